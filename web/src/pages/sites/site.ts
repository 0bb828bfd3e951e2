/**
 * What the pages of a support site share: which sites have Teacher and learner management,
 * the stages each teaches, who may open them, paths, and query keys. Keys of the site's
 * teachers sit under My Centre's users key, so a change to a user on either side refreshes
 * both; learners and results sit under the centre's key.
 */
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'wouter';
import { unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { t } from '../../i18n';
import { useApi, useSession } from '../../session/session';
import { centreQueryKey } from '../my-centre/centre';
import { usersQueryKey } from '../my-centre/users';

export const progressionSites = ['primary', 'lower-secondary'] as const;
export type ProgressionSite = (typeof progressionSites)[number];
export type Site = components['schemas']['Site'];
export type Learner = components['schemas']['Learner'];
export type Result = components['schemas']['ProgressionTestResult'];
export type Subject = Result['subject'];
export type ProgressionData = components['schemas']['ProgressionData'];
export type SiteTeacher = components['schemas']['User'] & { progressionData: ProgressionData };

export const isProgressionSite = (value: string | undefined): value is ProgressionSite =>
  (progressionSites as readonly string[]).includes(value ?? '');

/** The stages each site teaches (the API refuses any other with VALIDATION_FAILED). */
export const stagesOf: Record<ProgressionSite, { from: number; to: number }> = {
  primary: { from: 1, to: 6 },
  'lower-secondary': { from: 7, to: 9 },
};
export const stageList = (site: ProgressionSite) => {
  const { from, to } = stagesOf[site];
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
};

export const subjects = Object.keys(t.sites.subjects) as Subject[];

export const siteName = (site: ProgressionSite) => t.common.sites[site];

/**
 * The support sites with Teacher and learner management that a user may use: their own
 * sites; a coordinator (or support, inside a centre) every site the centre is eligible for.
 */
export function sitesFor(
  me: { sites: readonly Site[]; isAdmin: boolean; centreId: string },
  eligibleSites: readonly Site[] | undefined,
): ProgressionSite[] {
  const isAdministrator = me.isAdmin || !me.centreId;
  const allowed = isAdministrator ? (eligibleSites ?? []) : me.sites;
  return progressionSites.filter((site) => allowed.includes(site));
}

export function useSiteParams(): { centreId: string; site: ProgressionSite } {
  const { centreId, site } = useParams<{ centreId: string; site: string }>();
  if (!centreId || !isProgressionSite(site)) throw new Error('No site in the path');
  return { centreId, site };
}

// Paths
export const siteBase = (centreId: string, site: ProgressionSite) =>
  `/centres/${centreId}/sites/${site}`;
export const teachersPath = (centreId: string, site: ProgressionSite) =>
  `${siteBase(centreId, site)}/teachers`;
export const teacherPath = (centreId: string, site: ProgressionSite, userId: string) =>
  `${teachersPath(centreId, site)}/${userId}`;
export const learnersPath = (centreId: string, site: ProgressionSite) =>
  `${siteBase(centreId, site)}/learners`;
export const learnerPath = (centreId: string, site: ProgressionSite, learnerId: string) =>
  `${learnersPath(centreId, site)}/${learnerId}`;

// Query keys
export const siteTeachersKey = (centreId: string, site: ProgressionSite) =>
  [...usersQueryKey(centreId), 'site-teachers', site] as const;
export const siteKey = (centreId: string, site: ProgressionSite) =>
  [...centreQueryKey(centreId), 'site', site] as const;
export const learnersKey = (centreId: string, site: ProgressionSite) =>
  [...siteKey(centreId, site), 'learners'] as const;
export const learnerKey = (centreId: string, site: ProgressionSite, learnerId: string) =>
  [...learnersKey(centreId, site), 'learner', learnerId] as const;
export const resultsKey = (centreId: string, site: ProgressionSite, learnerId: string) =>
  [...siteKey(centreId, site), 'results', learnerId] as const;

/** A page of the site's teachers (any site member may read it). */
export function useSiteTeachers(
  centreId: string,
  site: ProgressionSite,
  cursor: string | undefined,
  limit = 50,
) {
  const api = useApi();
  return useQuery({
    queryKey: [...siteTeachersKey(centreId, site), 'page', { cursor, limit }],
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/sites/{site}/teachers', {
          params: { path: { centreId, site }, query: { cursor, limit } },
        }),
      ),
  });
}

/** Coordinators of the centre and support manage teachers; everyone with the site sees them. */
export function useCanManage() {
  const { isAdministrator } = useSession();
  return isAdministrator;
}

/** A fresh key per request body, kept while the same body is retried. */
export const newIdempotencyKey = () => crypto.randomUUID();

/** Up to this many of the site's teachers are read where every one is needed (100 a page). */
const teacherPages = 10;

/**
 * Every teacher of the site (up to 1,000), for choosing one: the receiver of a transfer, the
 * owner of a result, and the names beside results.
 */
export function useAllSiteTeachers(centreId: string, site: ProgressionSite, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: [...siteTeachersKey(centreId, site), 'all'],
    queryFn: async () => {
      const items: SiteTeacher[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < teacherPages; page++) {
        const answer = unwrap(
          await api.GET('/centres/{centreId}/sites/{site}/teachers', {
            params: { path: { centreId, site }, query: { limit: 100, cursor } },
          }),
        );
        items.push(...answer.items);
        cursor = answer.nextCursor ?? undefined;
        if (!cursor) break;
      }
      return { items, more: Boolean(cursor) };
    },
    enabled,
  });
}
