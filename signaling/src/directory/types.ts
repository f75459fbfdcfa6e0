import { z } from 'zod';
import { AccessibilityNeed, ClerkId, Language, Office, OfficeId, Skill, SupervisorScope } from '@ablak/protocol';

/** One clerk or supervisor as the directory file stores them. */
export const StaffRecord = z.object({
  id: ClerkId,
  username: z.string().min(1).max(64),
  role: z.enum(['clerk', 'supervisor']),
  displayName: z.string().min(1).max(80),
  office: OfficeId,
  /** bcrypt hash ($2a$/$2b$). */
  passwordHash: z.string().regex(/^\$2[aby]\$\d\d\$.{53}$/),
  skills: z.array(Skill).default([]),
  languages: z.array(Language).default(['hu']),
  accessibility: z.array(AccessibilityNeed).default([]),
  /** Supervisors: what they oversee; their own office when absent (the least that makes sense). */
  scope: SupervisorScope.optional(),
});
export type StaffRecord = z.infer<typeof StaffRecord>;

export const DirectoryFile = z.object({
  version: z.literal(1),
  offices: z.array(Office).min(1),
  staff: z.array(StaffRecord),
});
export type DirectoryFile = z.infer<typeof DirectoryFile>;
