import { AblakError, OfficeId, type BoardFilter, type Office, type SupervisorScope } from '@ablak/protocol';
import type { Directory } from '../directory/directory';
import type { Session } from './tokens';

/** The scope a supervisor's session names; a session without one oversees its own office only. */
export function scopeOf(session: Session): SupervisorScope {
  if (session.scope) return session.scope;
  if (!session.office) throw new AblakError('FORBIDDEN', 'This session oversees no office');
  return { level: 'office', office: OfficeId.parse(session.office) };
}

/** Whether the office is within the scope (the one rule every supervisor action goes through). */
export function inScope(scope: SupervisorScope, office: string, directory: Directory): boolean {
  switch (scope.level) {
    case 'country':
      return true;
    case 'region':
      return directory.office(office)?.region === scope.region;
    case 'office':
      return scope.office === office;
  }
}

/** Throws FORBIDDEN unless `office` is within the scope. */
export function requireInScope(scope: SupervisorScope, office: string, directory: Directory): void {
  if (!inScope(scope, office, directory))
    throw new AblakError('FORBIDDEN', 'Outside the offices you oversee');
}

/** The offices a supervisor oversees (the board's office picker offers these). */
export function officesInScope(scope: SupervisorScope, directory: Directory): Office[] {
  return directory.offices.filter((o) => inScope(scope, o.id, directory));
}

/**
 * The board filter a supervisor asked for, narrowed to the scope: FORBIDDEN when it names an office
 * or region outside it; an open filter becomes the scope itself.
 */
export function scopedFilter(scope: SupervisorScope, filter: BoardFilter, directory: Directory): BoardFilter {
  if (filter.office) requireInScope(scope, filter.office, directory);
  switch (scope.level) {
    case 'country':
      return filter;
    case 'region':
      if (filter.region !== undefined && filter.region !== scope.region)
        throw new AblakError('FORBIDDEN', 'Outside the offices you oversee');
      return { ...filter, region: scope.region };
    case 'office':
      if (filter.region !== undefined && directory.office(scope.office)?.region !== filter.region)
        throw new AblakError('FORBIDDEN', 'Outside the offices you oversee');
      return { office: scope.office };
  }
}
