/** Inputs and results of desk steps, shared by the pure core and the Store interface. */
import type { AccessibilityNeed, CaseTypeCode, ClerkView, Language, TicketId } from '@ablak/protocol';
import type { AfterWrapUp, OfferRecord, TicketRecord } from './model';

export interface EnqueueInput {
  /** Chosen by the caller (unique, e.g. a random id), so a retried request cannot make two tickets. */
  id: TicketId;
  displayName: string;
  caseType: CaseTypeCode;
  language: Language;
  /** Routed as skills: only clerks holding every listed need are offered the ticket. */
  accessibility: AccessibilityNeed[];
  /** True when the citizen checked in with a booked appointment. */
  appointment: boolean;
  /**
   * What the same browser's secret must match to `resume` after a drop: the caller generates the
   * secret and passes (here and to `resume`) only its hash (`resumeVerifier`), so stores never hold it.
   */
  resumeSecret: string;
}

/** The states a clerk (or a supervisor, with `away: supervisor`) may ask for. */
export type RequestedClerkState = AfterWrapUp;

export interface SweepResult {
  /** Offers whose deadline passed: clerk made away(no_answer), ticket back in its place. */
  expiredOffers: OfferRecord[];
  /** Dropped tickets whose grace period ended: now `expired`. */
  expiredDrops: TicketRecord[];
  /** Clerks whose wrap-up time ended: now in their chosen next state. */
  wrapUpsEnded: ClerkView[];
}
