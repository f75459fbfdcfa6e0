import { randomInt } from 'node:crypto';
import {
  AblakError,
  type Appointment,
  type AppointmentStatus,
  type CaseTypeCode,
  type CreateAppointmentRequest,
  type Language,
} from '@ablak/protocol';
import { z } from 'zod';
import type { SharedKv } from '../kv/types';

/** Check-in is accepted from this long before the slot … */
const EARLY_MS = 30 * 60_000;
/** … until this long after its start. */
const LATE_MS = 60 * 60_000;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const Stored = z.object({
  code: z.string(),
  caseType: z.string(),
  displayName: z.string(),
  language: z.string(),
  slotStart: z.string(),
  checkedIn: z.boolean(),
});
type Stored = z.infer<typeof Stored>;

export interface CheckIn {
  caseType: CaseTypeCode;
  displayName: string;
  language: Language;
}

/** Booked slots and their check-in (which gives the ticket appointment priority). */
export class Appointments {
  constructor(
    private readonly kv: SharedKv,
    private readonly joinUrlBase: () => string,
  ) {}

  async book(request: CreateAppointmentRequest, now: number): Promise<Appointment> {
    const start = Date.parse(request.slotStart);
    if (start + LATE_MS < now) throw new AblakError('BAD_REQUEST', 'The slot is in the past');
    if (start > now + 90 * 86_400_000)
      throw new AblakError('BAD_REQUEST', 'Slots can be booked at most 90 days ahead');
    const code = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const stored: Stored = {
      code,
      caseType: request.caseType,
      displayName: request.displayName,
      language: request.language,
      slotStart: request.slotStart,
      checkedIn: false,
    };
    const ttl = Math.ceil((start + LATE_MS - now) / 1000) + 86_400;
    if (!(await this.kv.setIfAbsent(`appointment:${code}`, JSON.stringify(stored), ttl)))
      return this.book(request, now);
    return {
      code,
      caseType: request.caseType,
      slotStart: request.slotStart,
      joinUrl: `${this.joinUrlBase()}/?appointment=${code}`,
    };
  }

  /** Whether `code` can be checked in now, without using it (NOT_FOUND for an unknown code). */
  async status(code: string, now: number): Promise<{ caseType: CaseTypeCode; slotStart: string; status: AppointmentStatus['status'] }> {
    const a = await this.load(code);
    return { caseType: a.caseType as CaseTypeCode, slotStart: a.slotStart, status: statusOf(a, now) };
  }

  /** Marks the appointment used and returns what the ticket needs (NOT_FOUND, CONFLICT outside its window). */
  async checkIn(code: string, now: number): Promise<CheckIn> {
    const a = await this.load(code);
    const status = statusOf(a, now);
    if (status === 'used') throw new AblakError('CONFLICT', 'This appointment was already used');
    if (status === 'early') throw new AblakError('CONFLICT', 'Too early: check in at most 30 minutes before the slot');
    if (status === 'lapsed') throw new AblakError('CONFLICT', 'The appointment has lapsed');
    await this.kv.set(keyOf(code), JSON.stringify({ ...a, checkedIn: true }), 86_400);
    return {
      caseType: a.caseType as CaseTypeCode,
      displayName: a.displayName,
      language: a.language as Language,
    };
  }

  private async load(code: string): Promise<Stored> {
    const raw = await this.kv.get(keyOf(code));
    const parsed = raw ? Stored.safeParse(JSON.parse(raw)) : null;
    if (!parsed?.success) throw new AblakError('NOT_FOUND', 'No such appointment');
    return parsed.data;
  }
}

const keyOf = (code: string) => `appointment:${code.toUpperCase()}`;

/** The one rule for when a booked slot can be checked in. */
function statusOf(a: Stored, now: number): AppointmentStatus['status'] {
  if (a.checkedIn) return 'used';
  const start = Date.parse(a.slotStart);
  if (now < start - EARLY_MS) return 'early';
  if (now > start + LATE_MS) return 'lapsed';
  return 'open';
}
