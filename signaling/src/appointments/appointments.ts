import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import {
  AblakError,
  AppointmentVerification,
  type Appointment,
  type AppointmentStatus,
  type CaseTypeCode,
  type CreateAppointmentRequest,
  type Language,
} from '@ablak/protocol';
import { z } from 'zod';
import type { SharedKv } from '../kv/types';
import type { ContactSender } from './contact-sender';

/** Check-in is accepted from this long before the slot … */
const EARLY_MS = 30 * 60_000;
/** … until this long after its start. */
const LATE_MS = 60 * 60_000;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Wrong confirmation codes a booking takes before it can no longer be confirmed. */
const CONFIRM_ATTEMPTS = 5;

const Stored = z.object({
  code: z.string(),
  caseType: z.string(),
  displayName: z.string(),
  language: z.string(),
  slotStart: z.string(),
  checkedIn: z.boolean(),
  verification: AppointmentVerification.default('none'),
  /** SHA-256 of the booking code and the confirmation code sent to the contact (never the code). */
  confirmHash: z.string().optional(),
  failedConfirms: z.number().int().default(0),
});
type Stored = z.infer<typeof Stored>;

export interface CheckIn {
  caseType: CaseTypeCode;
  displayName: string;
  language: Language;
  /** Whether the ticket ranks as an appointment: staff-made or contact-confirmed bookings only. */
  priority: boolean;
}

const key = (code: string) => `appointment:${code.toUpperCase()}`;
const confirmHash = (code: string, confirmation: string) =>
  createHash('sha256').update(`${code.toUpperCase()}:${confirmation}`).digest();

/**
 * Booked slots and their check-in. A booking ranks ahead of those who came first only when someone
 * answers for it: staff made it, or the citizen confirmed the code sent to their contact. Anyone can
 * book anonymously; such a booking checks in as an ordinary ticket. Each booking checks in once.
 */
export class Appointments {
  constructor(
    private readonly kv: SharedKv,
    private readonly joinUrlBase: () => string,
    private readonly sender: ContactSender,
  ) {}

  /** `staff`: the id of the clerk or supervisor who made the booking (it then ranks ahead). */
  async book(request: CreateAppointmentRequest, now: number, staff?: string): Promise<Appointment> {
    const start = Date.parse(request.slotStart);
    if (start + LATE_MS < now) throw new AblakError('BAD_REQUEST', 'The slot is in the past');
    if (start > now + 90 * 86_400_000)
      throw new AblakError('BAD_REQUEST', 'Slots can be booked at most 90 days ahead');
    const code = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const confirmation = String(randomInt(1_000_000)).padStart(6, '0');
    const verification = staff ? 'staff' : request.contact ? 'pending' : 'none';
    const stored: Stored = {
      code,
      caseType: request.caseType,
      displayName: request.displayName,
      language: request.language,
      slotStart: request.slotStart,
      checkedIn: false,
      verification,
      ...(verification === 'pending' && { confirmHash: confirmHash(code, confirmation).toString('base64url') }),
      failedConfirms: 0,
    };
    if (!(await this.kv.setIfAbsent(key(code), JSON.stringify(stored), this.ttl(start, now))))
      return this.book(request, now, staff);
    if (verification === 'pending' && request.contact)
      await this.sender.sendConfirmation(request.contact, {
        appointmentCode: code,
        confirmationCode: confirmation,
        slotStart: request.slotStart,
      });
    return {
      code,
      caseType: request.caseType,
      slotStart: request.slotStart,
      joinUrl: `${this.joinUrlBase()}/?appointment=${code}`,
      verification,
    };
  }

  /** Confirms the booking's contact with the code sent to it (CONFLICT when wrong or too many tries). */
  async confirm(code: string, confirmation: string, now: number): Promise<Appointment> {
    const a = await this.read(code);
    if (a.verification === 'verified' || a.verification === 'staff') return this.view(a);
    if (a.verification !== 'pending' || !a.confirmHash)
      throw new AblakError('CONFLICT', 'This booking has no contact to confirm');
    if (a.failedConfirms >= CONFIRM_ATTEMPTS)
      throw new AblakError('RATE_LIMITED', 'Too many wrong codes: this booking can no longer be confirmed');
    const expected = Buffer.from(a.confirmHash, 'base64url');
    const given = confirmHash(a.code, confirmation);
    const right = expected.length === given.length && timingSafeEqual(expected, given);
    const next: Stored = right
      ? { ...a, verification: 'verified', confirmHash: undefined }
      : { ...a, failedConfirms: a.failedConfirms + 1 };
    await this.kv.set(key(a.code), JSON.stringify(next), this.ttl(Date.parse(a.slotStart), now));
    if (!right) throw new AblakError('CONFLICT', 'Wrong confirmation code');
    return this.view(next);
  }

  private view(a: Stored): Appointment {
    return {
      code: a.code,
      caseType: a.caseType as CaseTypeCode,
      slotStart: a.slotStart,
      joinUrl: `${this.joinUrlBase()}/?appointment=${a.code}`,
      verification: a.verification,
    };
  }

  private async read(code: string): Promise<Stored> {
    const raw = await this.kv.get(key(code));
    let parsed: ReturnType<typeof Stored.safeParse> | null = null;
    try {
      parsed = raw ? Stored.safeParse(JSON.parse(raw)) : null;
    } catch {
      parsed = null;
    }
    if (!parsed?.success) throw new AblakError('NOT_FOUND', 'No such appointment');
    return parsed.data;
  }

  private ttl(start: number, now: number): number {
    return Math.max(60, Math.ceil((start + LATE_MS - now) / 1000) + 86_400);
  }

  /** Whether `code` can be checked in now, without using it (NOT_FOUND for an unknown code). */
  async status(code: string, now: number): Promise<{ caseType: CaseTypeCode; slotStart: string; status: AppointmentStatus['status'] }> {
    const a = await this.read(code);
    return { caseType: a.caseType as CaseTypeCode, slotStart: a.slotStart, status: statusOf(a, now) };
  }

  /**
   * Marks the appointment used (once: the first of any number of concurrent check-ins wins) and
   * returns what the ticket needs. NOT_FOUND; CONFLICT outside its window, for another case type, or
   * when already used.
   */
  async checkIn(code: string, now: number, caseType?: CaseTypeCode): Promise<CheckIn> {
    const a = await this.read(code);
    const status = statusOf(a, now);
    if (status === 'used') throw new AblakError('CONFLICT', 'This appointment was already used');
    if (status === 'early') throw new AblakError('CONFLICT', 'Too early: check in at most 30 minutes before the slot');
    if (status === 'lapsed') throw new AblakError('CONFLICT', 'The appointment has lapsed');
    if (caseType !== undefined && a.caseType !== caseType)
      throw new AblakError('CONFLICT', 'The appointment is for another case type');
    const start = Date.parse(a.slotStart);
    if (!(await this.kv.setIfAbsent(`${key(a.code)}:used`, '1', this.ttl(start, now))))
      throw new AblakError('CONFLICT', 'This appointment was already used');
    await this.kv.set(key(a.code), JSON.stringify({ ...a, checkedIn: true }), this.ttl(start, now));
    return {
      caseType: a.caseType as CaseTypeCode,
      displayName: a.displayName,
      language: a.language as Language,
      priority: a.verification === 'staff' || a.verification === 'verified',
    };
  }

}

/** The one rule for when a booked slot can be checked in. */
function statusOf(a: Stored, now: number): AppointmentStatus['status'] {
  if (a.checkedIn) return 'used';
  const start = Date.parse(a.slotStart);
  if (now < start - EARLY_MS) return 'early';
  if (now > start + LATE_MS) return 'lapsed';
  return 'open';
}
