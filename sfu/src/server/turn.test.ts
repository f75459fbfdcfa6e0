import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor, turnCredentials } from './turn';

describe('TURN REST credentials', () => {
  const turn = { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: 'static-auth-secret', ttlSeconds: 600 };

  it('names the expiry and the peer, signed with HMAC-SHA1 of the static auth secret', () => {
    const server = turnCredentials(turn, 'clerk-7', 1_700_000_000_000);
    expect(server.username).toBe('1700000600:clerk-7');
    expect(server.credential).toBe(createHmac('sha1', 'static-auth-secret').update('1700000600:clerk-7').digest('base64'));
    expect(server.urls).toEqual(turn.urls);
  });

  it('gives no ICE servers when TURN is not configured', () => {
    expect(iceServersFor(null, 'p')).toEqual([]);
  });
});
