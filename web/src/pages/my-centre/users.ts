/**
 * What the users pages of My Centre share: query keys (so a change on one page refreshes the
 * others), the guide's words for roles, statuses and sites, and the paths between them.
 */
import type { components } from '../../api/schema';
import { plural, t } from '../../i18n';
import { centreQueryKey, siteNames } from './centre';

export type CentreUser = components['schemas']['User'];
export type Site = components['schemas']['Site'];
export type UserStatus = CentreUser['status'];
export type Role = 'admin' | 'teacher';
export type ProgressionData = components['schemas']['ProgressionData'];

export interface UserFilters {
  q?: string | undefined;
  status?: UserStatus | undefined;
  role?: Role | undefined;
  site?: Site | undefined;
  /** `problem`: only users whose emails are not arriving (bounced, complained of, failed). */
  email?: 'problem' | undefined;
}

/**
 * Everything about a centre's users sits under this key: invalidating it refreshes every
 * list page and every user page of the centre after any change.
 */
export const usersQueryKey = (centreId: string) => [...centreQueryKey(centreId), 'users'] as const;

export const usersListQueryKey = (
  centreId: string,
  filters: UserFilters,
  cursor: string | undefined,
) => [...usersQueryKey(centreId), 'list', { ...filters, cursor }] as const;

export const userQueryKey = (centreId: string, userId: string) =>
  [...usersQueryKey(centreId), 'user', userId] as const;

export const usersPath = (centreId: string) => `/centres/${centreId}/users`;
export const addUsersPath = (centreId: string) => `/centres/${centreId}/users/new`;
export const userPath = (centreId: string, userId: string) =>
  `/centres/${centreId}/users/${userId}`;

export const importUsersPath = (centreId: string) => `/centres/${centreId}/users/import`;

export const statusLabels: Record<UserStatus, string> = t.myCentre.users.status;

/** The words beside an address whose emails are not arriving. */
export const emailProblemLabels: Record<EmailProblem, string> = t.myCentre.users.emailProblem;
export type EmailProblem = NonNullable<CentreUser['emailStatus']>['problem'];

export const roleLabels: Record<Role, string> = t.myCentre.users.roles;

export const roleOf = (user: Pick<CentreUser, 'isAdmin'>): Role =>
  user.isAdmin ? 'admin' : 'teacher';

/** The guide's order of the support sites, whatever order a list arrives in. */
export const siteOrder = Object.keys(siteNames) as Site[];

export const sortSites = (sites: readonly Site[]): Site[] =>
  siteOrder.filter((site) => sites.includes(site));

/** "Cambridge Primary, Cambridge Lower Secondary", or "None". */
export const siteListWords = (sites: readonly Site[]): string =>
  sites.length
    ? sortSites(sites)
        .map((site) => siteNames[site] ?? site)
        .join(', ')
    : t.myCentre.users.noSites;

/**
 * What a coordinator needs to hear after a suspension: the user's Progression Test data
 * stays with them until it is transferred (the guide's next step before deleting).
 */
export function progressionDataWords(data: Pick<ProgressionData, 'total'>): string {
  const words = t.myCentre.users.progressionData;
  return data.total === 0 ? words.none : plural(data.total, words.some);
}

const statuses = Object.keys(statusLabels) as UserStatus[];
const roles = Object.keys(roleLabels) as Role[];

/** The list's search and filters, read from the address bar (unknown values are ignored). */
export function filtersFromSearch(search: string): UserFilters {
  const params = new URLSearchParams(search);
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const value = params.get(name);
    return value && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
  };
  const q = params.get('q')?.trim().slice(0, 100);
  return {
    q: q || undefined,
    status: pick('status', statuses),
    role: pick('role', roles),
    site: pick('site', siteOrder),
    email: pick('email', ['problem'] as const),
  };
}

/** The address of the list with these filters, e.g. `/centres/GB001/users?status=active`. */
export function usersListHref(centreId: string, filters: UserFilters): string {
  const params = new URLSearchParams();
  for (const name of ['q', 'status', 'role', 'site', 'email'] as const) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  const search = params.toString();
  return search ? `${usersPath(centreId)}?${search}` : usersPath(centreId);
}
