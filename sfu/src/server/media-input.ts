import type { types } from 'mediasoup';
import { AblakError } from '@ablak/protocol';

/** Simulcast layers a browser may send for one track (the console sends three). */
export const MAX_ENCODINGS = 3;

const refuse = (message: string) => new AblakError('UNSUPPORTED_MEDIA_TYPE', message);
const isRtx = (mimeType: string) => /\/rtx$/i.test(mimeType);

/**
 * Refuses producer RTP parameters that the router could not forward as `kind`, before mediasoup sees
 * them: a codec of the other kind (a VP8 stream declared as audio would give every viewer an audio
 * consumer carrying video, which breaks the viewer's receive transport for the rest of the call), a
 * codec or header extension the router does not offer for that kind, or more encodings than simulcast
 * uses. mediasoup checks codec parameters (H264 profiles, RTX) more closely on its own.
 */
export function checkProducerParameters(kind: types.MediaKind, params: types.RtpParameters, router: types.RtpCapabilities): void {
  const codecs: unknown[] = Array.isArray(params.codecs) ? params.codecs : [];
  if (codecs.length === 0) throw refuse('a producer needs at least one codec');
  const offered = (router.codecs ?? []).filter((c) => c.kind === kind);
  codecs.forEach((raw, index) => {
    const codec = raw as Partial<types.RtpCodecParameters>;
    const mimeType = typeof codec.mimeType === 'string' ? codec.mimeType : '';
    if (!mimeType.toLowerCase().startsWith(`${kind}/`)) {
      throw refuse(`a ${kind} producer cannot carry ${mimeType.slice(0, 40) || 'a codec without a MIME type'}`);
    }
    if (isRtx(mimeType)) {
      if (index === 0) throw refuse('the first codec must be a media codec');
      return;
    }
    const channels = kind === 'audio' ? (codec.channels ?? 1) : undefined;
    const match = offered.some(
      (cap) =>
        cap.mimeType.toLowerCase() === mimeType.toLowerCase() &&
        cap.clockRate === codec.clockRate &&
        (kind !== 'audio' || (cap.channels ?? 1) === channels),
    );
    if (!match) throw refuse(`this media server does not offer ${mimeType.slice(0, 40)} at ${String(codec.clockRate)} Hz for ${kind}`);
  });
  const extensions: unknown[] = Array.isArray(params.headerExtensions) ? params.headerExtensions : [];
  const known = new Set((router.headerExtensions ?? []).filter((h) => h.kind === kind).map((h) => h.uri));
  for (const raw of extensions) {
    const uri = (raw as { uri?: unknown }).uri;
    if (typeof uri !== 'string' || !known.has(uri as types.RtpHeaderExtensionUri)) {
      throw refuse(`header extension ${typeof uri === 'string' ? uri.slice(0, 80) : '(none)'} is not offered for ${kind}`);
    }
  }
  const encodings: unknown[] = Array.isArray(params.encodings) ? params.encodings : [];
  if (encodings.length > MAX_ENCODINGS) throw refuse(`at most ${MAX_ENCODINGS} encodings per producer`);
}
