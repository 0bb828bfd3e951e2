/**
 * Server state of one user's page and of the audit log. Keys of users sit under the users
 * pages' own (./users.ts), so a change made on either refreshes the other; every key starts
 * with the centre's.
 */
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi } from '../../session/session';
import { centreQueryKey } from './centre';
import { userQueryKey, usersQueryKey } from './users';

export type User = components['schemas']['User'];
export type ProgressionData = components['schemas']['ProgressionData'];
export type Operation = components['schemas']['Operation'];
export type AuditEntry = components['schemas']['AuditEntry'];

export { userQueryKey };
export const progressionDataQueryKey = (centreId: string, userId: string) =>
  [...userQueryKey(centreId, userId), 'progression-data'] as const;
export const operationQueryKey = (centreId: string, operationId: string) =>
  [...centreQueryKey(centreId), 'operation', operationId] as const;
export const auditQueryKey = (centreId: string, cursor: string | undefined) =>
  [...centreQueryKey(centreId), 'audit', cursor ?? 'first'] as const;
/**
 * One page of the centre's users, read once to put names on the audit log's ids; under the
 * users' key, so any change to a user refreshes it.
 */
export const peopleQueryKey = (centreId: string) => [...usersQueryKey(centreId), 'names'] as const;

export function useUser(centreId: string, userId: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: userQueryKey(centreId, userId),
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/users/{userId}', {
          params: { path: { centreId, userId } },
        }),
      ),
    enabled,
  });
}

export function useProgressionData(centreId: string, userId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: progressionDataQueryKey(centreId, userId),
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/users/{userId}/progression-data', {
          params: { path: { centreId, userId } },
        }),
      ),
    enabled,
  });
}

/** The removal workflow, asked again every half second while it runs. */
export function useOperation(centreId: string, operationId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: operationQueryKey(centreId, operationId ?? ''),
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/operations/{operationId}', {
          params: { path: { centreId, operationId: operationId ?? '' } },
        }),
      ),
    enabled: Boolean(operationId),
    refetchInterval: (query) =>
      !query.state.data || query.state.data.status === 'running' ? 500 : false,
  });
}

/**
 * After a user changed: every list of the centre's users is stale. This user's own page
 * already holds the API's answer, so it is not asked again.
 */
export function usersChanged(queryClient: QueryClient, centreId: string, userId: string) {
  const own = userQueryKey(centreId, userId);
  return queryClient.invalidateQueries({
    queryKey: usersQueryKey(centreId),
    predicate: (query) => !own.every((part, index) => query.queryKey[index] === part),
  });
}
