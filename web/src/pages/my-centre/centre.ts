/** The centre whose My Centre is open, read once by the layout and shared with its pages. */
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'wouter';
import { unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { t } from '../../i18n';
import { useApi } from '../../session/session';

export type Centre = components['schemas']['Centre'];

export const centreQueryKey = (centreId: string) => ['centre', centreId] as const;

export function useCentreId(): string {
  const { centreId } = useParams<{ centreId: string }>();
  if (!centreId) throw new Error('No centre in the path');
  return centreId;
}

export function useCentre() {
  const api = useApi();
  const centreId = useCentreId();
  return useQuery({
    queryKey: centreQueryKey(centreId),
    queryFn: async () =>
      unwrap(await api.GET('/centres/{centreId}', { params: { path: { centreId } } })),
    staleTime: 5 * 60_000,
  });
}

/** The guide's names of the support sites ("Cambridge Primary"), in the guide's order. */
export const siteNames: Record<string, string> = Object.fromEntries(
  Object.entries(t.common.sites).map(([site, name]) => [site, t.common.cambridgeSite(name)]),
);
