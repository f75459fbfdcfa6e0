import { describe, expect, it } from 'vitest';
import { verdictOf } from './networkVerdict';

describe('network check verdict', () => {
  it('calls the connection fine when UDP works, whatever the other routes did', () => {
    expect(verdictOf(true, { udp: 'ok', tcp: 'failed', turn: 'skipped' })).toBe('ok');
  });
  it('names the best fallback that worked: TCP before the TURN relay', () => {
    expect(verdictOf(true, { udp: 'failed', tcp: 'ok', turn: 'ok' })).toBe('tcp-only');
    expect(verdictOf(true, { udp: 'failed', tcp: 'failed', turn: 'ok' })).toBe('relay-only');
  });
  it('tells a blocked network (the SFU answered, no route carried media) from an unreachable SFU', () => {
    expect(verdictOf(true, { udp: 'failed', tcp: 'failed', turn: 'skipped' })).toBe('blocked');
    expect(verdictOf(false, { udp: 'failed', tcp: 'failed', turn: 'failed' })).toBe('unreachable');
  });
});
