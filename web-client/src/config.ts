import { z } from 'zod';

// The app's environment, checked once like the servers' config: a bad value fails loudly at start.
const Env = z.object({
  /** Base URL of signaling; empty = same origin (the normal, served-by-signaling case). */
  VITE_SIGNALING_URL: z.union([z.literal(''), z.url()]).default(''),
});

const parsed = Env.safeParse(import.meta.env);
if (!parsed.success) throw new Error(`Bad web-client environment: ${parsed.error.message}`);

export const config = Object.freeze({ signalingUrl: parsed.data.VITE_SIGNALING_URL });
