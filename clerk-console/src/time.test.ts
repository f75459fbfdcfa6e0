import { describe, expect, it } from 'vitest';
import { clock } from './time';

describe('clock', () => {
  it('shows minutes and zero-padded seconds under an hour', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65.9)).toBe('1:05');
  });
  it('shows hours once past an hour, and never a negative time', () => {
    expect(clock(3_725)).toBe('1:02:05');
    expect(clock(-5)).toBe('0:00');
  });
});
