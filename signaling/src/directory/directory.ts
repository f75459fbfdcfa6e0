import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { verifyPassword } from '../auth/passwords';
import type { ClerkId, Office, OfficeId, SupervisorScope } from '@ablak/protocol';
import { DirectoryFile, type StaffRecord } from './types';

// Compared against when the username is unknown, so a miss costs as long as a wrong password.
const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.7dBDVXUBcQ4Ft6F4E.yTnEpo8kHa';

/** Offices, clerks and supervisors: read-only after load. */
export class Directory {
  readonly offices: readonly Office[];
  private readonly byUsername = new Map<string, StaffRecord>();
  private readonly byId = new Map<string, StaffRecord>();
  private readonly officeById = new Map<string, Office>();

  constructor(file: DirectoryFile) {
    this.offices = file.offices;
    for (const o of file.offices) this.officeById.set(o.id, o);
    for (const s of file.staff) {
      if (!this.officeById.has(s.office))
        throw new Error(`directory: staff ${s.id} names unknown office ${s.office}`);
      if (this.byUsername.has(s.username.toLowerCase()))
        throw new Error(`directory: duplicate username ${s.username}`);
      if (this.byId.has(s.id)) throw new Error(`directory: duplicate staff id ${s.id}`);
      if (s.scope?.level === 'office' && !this.officeById.has(s.scope.office))
        throw new Error(`directory: staff ${s.id} oversees unknown office ${s.scope.office}`);
      const region = s.scope?.level === 'region' ? s.scope.region : undefined;
      if (region !== undefined && !file.offices.some((o) => o.region === region))
        throw new Error(`directory: staff ${s.id} oversees a region with no office`);
      this.byUsername.set(s.username.toLowerCase(), s);
      this.byId.set(s.id, s);
    }
  }

  static fromFile(path: string): Directory {
    return Directory.fromJson(JSON.parse(readFileSync(path, 'utf8')), path);
  }

  /** Validates directory JSON (an operator's file or test data). */
  static fromJson(json: unknown, source = 'directory'): Directory {
    const parsed = DirectoryFile.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new Error(`${source} is invalid: ${first.join('; ')}`);
    }
    return new Directory(parsed.data);
  }

  get staff(): IterableIterator<StaffRecord> {
    return this.byId.values();
  }

  get clerks(): StaffRecord[] {
    return [...this.byId.values()].filter((s) => s.role === 'clerk');
  }

  staffById(id: ClerkId | string): StaffRecord | undefined {
    return this.byId.get(id);
  }

  office(id: OfficeId | string): Office | undefined {
    return this.officeById.get(id);
  }

  /** What a supervisor oversees (their own office unless the directory says more); none for clerks. */
  scopeOf(staff: StaffRecord): SupervisorScope | undefined {
    if (staff.role !== 'supervisor') return undefined;
    return staff.scope ?? { level: 'office', office: staff.office };
  }

  /** Whether `username` names someone (for per-account limits; says nothing to the caller). */
  hasUsername(username: string): boolean {
    return this.byUsername.has(username.trim().toLowerCase());
  }

  /** The staff record when the password matches; undefined otherwise (constant-ish time, off the event loop). */
  async authenticate(username: string, password: string): Promise<StaffRecord | undefined> {
    const record = this.byUsername.get(username.trim().toLowerCase());
    const okPassword = await verifyPassword(password, record?.passwordHash ?? DUMMY_HASH);
    return record && okPassword ? record : undefined;
  }
}

/** bcrypt hash for a directory file (cost 10 by default; tests may use less). */
export function hashPassword(password: string, cost = 10): string {
  return bcrypt.hashSync(password, cost);
}
