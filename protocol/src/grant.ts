import { z } from 'zod';
import { OfficeId, PeerId, RoomId } from './ids';
import { Role } from './domain';

/** Audience every media grant is minted for; the SFU refuses any other. */
export const MEDIA_GRANT_AUDIENCE = 'ablak-sfu';
export const MEDIA_GRANT_ISSUER = 'ablak-signaling';
/** Longest life a media grant may have. */
export const MEDIA_GRANT_MAX_TTL_SECONDS = 600;
export const MEDIA_GRANT_ALGORITHM = 'HS256';

/** The claims of a media grant (a JWT signed by signaling with the secret it shares with the SFU). */
export const MediaGrantClaims = z
  .object({
    room: RoomId,
    peer: PeerId,
    name: z.string().min(1).max(80),
    role: Role,
    canPublish: z.boolean(),
    canSubscribe: z.boolean(),
    hidden: z.boolean(),
    /**
     * A prepare grant (issue 8): lets a peer's connected warm session get ready for a call it was
     * offered (pipes and paused consumers both ways, `media:prepare`) before the clerk accepts. It
     * cannot connect, join or switch rooms, and nothing flows until the accept's own grant switches the
     * session in.
     */
    prepare: z.boolean().optional(),
    /**
     * A network-probe grant (anonymous, `POST /api/network-probe`): publishes into a throw-away room of
     * its own, never subscribes; the SFU caps how many an address holds at once and ends each at `exp`.
     */
    probe: z.boolean().optional(),
  })
  .refine((g) => !(g.hidden && g.canPublish), { message: 'a hidden peer cannot publish' })
  .refine((g) => !(g.probe && g.canSubscribe), { message: 'a probe cannot subscribe' });
export type MediaGrantClaims = z.infer<typeof MediaGrantClaims>;

/**
 * What a supervisor oversees (from the directory): one office, one region, or the whole country.
 * The board, monitoring and forcing a clerk's state are limited to the clerks within it.
 */
export const SupervisorScope = z.discriminatedUnion('level', [
  z.object({ level: z.literal('office'), office: OfficeId }),
  z.object({ level: z.literal('region'), region: z.string().min(1).max(64) }),
  z.object({ level: z.literal('country') }),
]);
export type SupervisorScope = z.infer<typeof SupervisorScope>;

/** Claims of the session tokens signaling issues to people (clerk, supervisor, citizen-with-ticket). */
export const SessionClaims = z.object({
  sub: z.string().min(1),
  role: Role,
  office: z.string().optional(),
  /** Staff: the sign-in this token belongs to (refresh family); signing out revokes the whole family. */
  fam: z.string().min(1).max(64).optional(),
  /** Supervisors: what they oversee. */
  scope: SupervisorScope.optional(),
  /** Citizen tokens are bound to their ticket. */
  ticket: z.string().optional(),
  name: z.string().max(80),
});
export type SessionClaims = z.infer<typeof SessionClaims>;
