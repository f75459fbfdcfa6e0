import type { ClerkState, ClerkView, Colleague, QueueId } from '@ablak/protocol';
import type { Directory } from './directory';
import type { StaffRecord } from './types';

/** Most colleagues one answer lists (an office has a few dozen clerks; the rest are the best available). */
export const COLLEAGUES_MAX = 200;

// Who can take a transfer soonest comes first.
const STATE_RANK: Record<ClerkState, number> = {
  available: 0,
  wrap_up: 1,
  offered: 2,
  busy: 2,
  away: 3,
  offline: 4,
};

const byName = new Intl.Collator('hu', { sensitivity: 'base' });

/**
 * The clerks `me` can name in a transfer: every clerk of `me`'s office (whatever their state) and
 * every available clerk elsewhere who shares a skill with `me`; never `me`. States come from the
 * store's views (a clerk the store has never seen is offline); profile data from the directory.
 */
export function colleaguesOf(
  me: StaffRecord,
  directory: Directory,
  views: readonly ClerkView[],
): Colleague[] {
  const state = new Map<string, ClerkState>();
  for (const v of views) state.set(v.id, v.state);
  const mySkills = new Set<QueueId>(me.skills.map((s) => s.queue));
  const picked: Colleague[] = [];
  for (const staff of directory.clerks) {
    if (staff.id === me.id) continue;
    const s = state.get(staff.id) ?? 'offline';
    const sameOffice = staff.office === me.office;
    const sharesSkill = staff.skills.some((k) => mySkills.has(k.queue));
    if (!sameOffice && !(s === 'available' && sharesSkill)) continue;
    picked.push({
      id: staff.id,
      displayName: staff.displayName,
      office: staff.office,
      officeName: directory.office(staff.office)?.name ?? staff.office,
      state: s,
      skills: [...new Set(staff.skills.map((k) => k.queue))],
    });
  }
  picked.sort(
    (a, b) =>
      STATE_RANK[a.state] - STATE_RANK[b.state] ||
      Number(b.office === me.office) - Number(a.office === me.office) ||
      byName.compare(a.displayName, b.displayName) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return picked.slice(0, COLLEAGUES_MAX);
}
