import { useEffect, useState } from 'react';

/** Loudness of a stream's audio track, 0..1, sampled about ten times a second. */
export function useMicLevel(stream: MediaStream | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    const track = stream?.getAudioTracks()[0];
    const Ctx = globalThis.AudioContext;
    if (!stream || !track || !Ctx) {
      setLevel(0);
      return;
    }
    const ctx = new Ctx();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      if (ctx.state === 'suspended') void ctx.resume();
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      // speech sits around 0.02-0.2 RMS; a square-root curve makes quiet voices visible
      setLevel(Math.min(1, Math.sqrt(rms * 5)));
    }, 100);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void ctx.close();
    };
  }, [stream]);
  return level;
}
