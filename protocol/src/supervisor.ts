import { z } from 'zod';
import { CallSummary, MediaAccess, ServerDraining } from './common';
import { AwayReason, ClerkState, ClerkView, Office, QueueDef, QueueStats } from './domain';
import { CallId, ClerkId, OfficeId } from './ids';
import { supervisorRecordRequests } from './records';
import { definePushes, defineRequests } from './rpc';

export const BoardFilter = z.object({
  office: OfficeId.optional(),
  region: z.string().max(64).optional(),
});
export type BoardFilter = z.infer<typeof BoardFilter>;

/** One point of the last hour's chart. */
export const BoardSample = z.object({
  at: z.number(),
  waiting: z.number().int().nonnegative(),
  available: z.number().int().nonnegative(),
});
export type BoardSample = z.infer<typeof BoardSample>;

export const BoardSnapshot = z.object({
  at: z.number(),
  queues: z.array(QueueStats),
  clerks: z.array(ClerkView),
  calls: z.array(CallSummary),
  history: z.array(BoardSample),
});
export type BoardSnapshot = z.infer<typeof BoardSnapshot>;

export const supervisorRequests = defineRequests({
  'board:subscribe': {
    request: BoardFilter,
    result: z.object({
      snapshot: BoardSnapshot,
      queueDefs: z.array(QueueDef),
      offices: z.array(Office),
    }),
  },
  'clerk:force-state': {
    request: z.object({
      clerkId: ClerkId,
      state: ClerkState.extract(['available', 'away', 'offline']),
      reason: AwayReason.optional(),
    }),
    result: z.object({ clerk: ClerkView }),
  },
  /** Monitoring is limited to calls of clerks within the supervisor's scope (FORBIDDEN otherwise). */
  'call:monitor': { request: z.object({ callId: CallId }), result: z.object({ media: MediaAccess }) },
  /** The supervisor stopped watching (recorded; a disconnect counts as a stop too). */
  'call:monitor-stop': { request: z.object({ callId: CallId }), result: z.object({}) },
  ...supervisorRecordRequests,
});
export type SupervisorRequests = typeof supervisorRequests;

export const supervisorPushes = definePushes({
  /** Pushed on change, at most a few times a second; always the whole filtered board. */
  'board:updated': BoardSnapshot,
  'session:expired': z.object({}),
  'server:draining': ServerDraining,
});
export type SupervisorPushes = typeof supervisorPushes;
