/**
 * What the customer-services pages share: their paths, query keys and the words for sites.
 * A centre's own query is My Centre's (`centreQueryKey`), so a change made here shows at
 * once in that centre's My Centre pages, and the other way round.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { components } from '../../api/schema';
import { formatList, t } from '../../i18n';

export type Centre = components['schemas']['Centre'];
export type Site = components['schemas']['Site'];

/** Every site a centre may be eligible for, in the guide's order. */
export const allSites: Site[] = ['primary', 'lower-secondary', 'upper-secondary', 'advanced'];

export const sortSites = (sites: readonly Site[]): Site[] =>
  allSites.filter((site) => sites.includes(site));

export const siteName = (site: Site): string => t.common.sites[site] ?? site;

/** `Primary and Lower Secondary`, or `None`. */
export const siteListWords = (sites: readonly Site[]): string =>
  sites.length ? formatList(sortSites(sites).map(siteName)) : t.support.sitesNone;

export const supportPaths = {
  centres: '/support',
  centresSearch: (q: string) => (q ? `/support?${new URLSearchParams({ q })}` : '/support'),
  newCentre: '/support/centres/new',
  centre: (centreId: string) => `/support/centres/${centreId}`,
  people: '/support/people',
  peopleSearch: (q: string) =>
    q ? `/support/people?${new URLSearchParams({ q })}` : '/support/people',
};

/** Everything the support lists hold: one key to refresh after a centre changes. */
export const supportQueryKey = ['support'] as const;
export const centresListQueryKey = (q: string, cursor: string | undefined) =>
  [...supportQueryKey, 'centres', { q, cursor }] as const;
export const peopleQueryKey = (q: string, cursor: string | undefined) =>
  [...supportQueryKey, 'people', { q, cursor }] as const;

export const supportListsChanged = (queryClient: QueryClient) =>
  queryClient.invalidateQueries({ queryKey: supportQueryKey });

/** The search text in the address (`?q=`), trimmed and bounded. */
export const searchText = (search: string): string =>
  (new URLSearchParams(search).get('q') ?? '').trim().slice(0, 100);
