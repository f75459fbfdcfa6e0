import { createHmac } from 'node:crypto';
import type { IceServer } from '@ablak/protocol';

export interface TurnConfig {
  readonly urls: readonly string[];
  readonly secret: string;
  readonly ttlSeconds: number;
}

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest, coturn's `use-auth-secret`): the username is
 * `expiry:peer`, the credential base64(HMAC-SHA1(static-auth-secret, username)).
 */
export function turnCredentials(turn: TurnConfig, peer: string, nowMs = Date.now()): IceServer {
  const expiry = Math.floor(nowMs / 1000) + turn.ttlSeconds;
  const username = `${expiry}:${peer}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: [...turn.urls], username, credential };
}

/** The ICE servers a peer gets in its join answer: none without TURN. */
export function iceServersFor(turn: TurnConfig | null, peer: string, nowMs = Date.now()): IceServer[] {
  return turn ? [turnCredentials(turn, peer, nowMs)] : [];
}
