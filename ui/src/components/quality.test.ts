import { describe, expect, it } from 'vitest';
import { qualityOf } from './ConnectionQuality';
import { classifyMediaError } from '../media/devices';
import { makeFormatters } from '../i18n/format';

describe('qualityOf', () => {
  it('grades figures into good, fair, poor and unknown', () => {
    expect(qualityOf(null)).toBe('unknown');
    expect(qualityOf({ rttMs: 40, packetLoss: 0 })).toBe('good');
    expect(qualityOf({ rttMs: 300, packetLoss: 0.01 })).toBe('fair');
    expect(qualityOf({ rttMs: 80, packetLoss: 0.1 })).toBe('poor');
  });
});

describe('classifyMediaError', () => {
  it('maps getUserMedia errors to problems a person can act on', () => {
    const err = (name: string) => Object.assign(new Error(name), { name });
    expect(classifyMediaError(err('NotAllowedError'))).toBe('denied');
    expect(classifyMediaError(err('NotFoundError'))).toBe('no-device');
    expect(classifyMediaError(err('NotReadableError'))).toBe('in-use');
    expect(classifyMediaError(err('Weird'))).toBe('unknown');
  });
});

describe('makeFormatters', () => {
  it('formats numbers and waits per language', () => {
    expect(makeFormatters('hu').number(12345)).toBe('12\u00a0345');
    expect(makeFormatters('en').number(12345)).toBe('12,345');
    expect(makeFormatters('en').minutes(250)).toBe('4 minutes');
    expect(makeFormatters('hu').minutes(20)).toBe('1 perc');
  });
});
