/** Strings of the shared components (namespace `ui`). Apps add their own namespace. */
export const uiHu = {
  video: { selfView: 'Saját kamerakép', of: '{{name}} videoképe' },
  devices: {
    camera: 'Kamera',
    microphone: 'Mikrofon',
    speaker: 'Hangszóró',
    none: 'Nem található eszköz',
    unnamed: { camera: '{{n}}. kamera', microphone: '{{n}}. mikrofon', speaker: '{{n}}. hangszóró' },
    noneHint: {
      camera: 'Nem találtunk kamerát. Kamera nélkül is beszélhet az ügyintézővel.',
      microphone: 'Nem találtunk mikrofont. Csatlakoztasson egyet, vagy használja a csevegést.',
      speaker: 'A böngésző az alapértelmezett hangszórót használja.',
    },
  },
  mic: { level: 'Mikrofon hangereje', hearing: 'Halljuk a hangját', silent: 'Csend' },
  quality: {
    good: 'Jó kapcsolat',
    fair: 'Közepes kapcsolat',
    poor: 'Gyenge kapcsolat',
    unknown: 'Kapcsolat mérése…',
    details: 'Késleltetés {{rtt}} ms, csomagvesztés {{loss}}%',
  },
  chat: {
    heading: 'Csevegés',
    empty: 'Még nincs üzenet.',
    you: 'Ön',
    label: 'Üzenet',
    placeholder: 'Írjon üzenetet…',
    send: 'Küldés',
    failed: 'Az üzenetet nem sikerült elküldeni. Próbálja újra.',
  },
  language: { label: 'Nyelv', name: { hu: 'Magyar', en: 'English' } },
};

export const uiEn: typeof uiHu = {
  video: { selfView: 'Your own camera', of: 'Video of {{name}}' },
  devices: {
    camera: 'Camera',
    microphone: 'Microphone',
    speaker: 'Speaker',
    none: 'No device found',
    unnamed: { camera: 'Camera {{n}}', microphone: 'Microphone {{n}}', speaker: 'Speaker {{n}}' },
    noneHint: {
      camera: 'We found no camera. You can still talk to the clerk without one.',
      microphone: 'We found no microphone. Plug one in, or use the chat.',
      speaker: 'Your browser uses the default speaker.',
    },
  },
  mic: { level: 'Microphone level', hearing: 'We can hear you', silent: 'Silent' },
  quality: {
    good: 'Good connection',
    fair: 'Fair connection',
    poor: 'Poor connection',
    unknown: 'Checking connection…',
    details: 'Delay {{rtt}} ms, packet loss {{loss}}%',
  },
  chat: {
    heading: 'Chat',
    empty: 'No messages yet.',
    you: 'You',
    label: 'Message',
    placeholder: 'Write a message…',
    send: 'Send',
    failed: 'The message could not be sent. Please try again.',
  },
  language: { label: 'Language', name: { hu: 'Magyar', en: 'English' } },
};
