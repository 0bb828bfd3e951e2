/**
 * My Centre → Audit log: who did what to whom, newest first, a page at a time. Entries carry
 * only user ids, so names come from one read of the centre's users (and from the entries
 * themselves for people since deleted), never from a call per row.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { unwrap } from '../../api/client';
import { Page } from '../../app/page';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatDateTime, formatNumber, t } from '../../i18n';
import { useApi, useSession } from '../../session/session';
import { actionInWords, detailsInWords, isSupportAction, namesInEntries } from './audit-words';
import { useCentreId } from './centre';
import { Pager, useCursorPages } from './cursor-pager';
import { type AuditEntry, auditQueryKey, peopleQueryKey } from './user-detail';

const pageSize = 25;
const words = t.userPage.audit;

function usePeople(centreId: string) {
  const api = useApi();
  return useQuery({
    queryKey: peopleQueryKey(centreId),
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/users', {
          params: { path: { centreId }, query: { limit: 100 } },
        }),
      ),
    staleTime: 60_000,
  });
}

export default function AuditLogPage() {
  const api = useApi();
  const { me } = useSession();
  const centreId = useCentreId();
  const pages = useCursorPages();
  const audit = useQuery({
    queryKey: auditQueryKey(centreId, pages.cursor),
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/audit', {
          params: {
            path: { centreId },
            query: { limit: pageSize, ...(pages.cursor ? { cursor: pages.cursor } : {}) },
          },
        }),
      ),
    // The table stays while the next page loads, rather than flashing a spinner.
    placeholderData: keepPreviousData,
  });
  // Names are a help, not a need: without them the log still shows ids.
  const people = usePeople(centreId);

  const names = new Map<string, string>(namesInEntries(audit.data?.items ?? []));
  for (const user of people.data?.items ?? []) names.set(user.userId, user.name);
  if (me) names.set(me.userId, me.name);
  // Customer services belong to no centre, so no list names them; an id seen doing what only
  // they do (creating the centre) is theirs wherever else it appears.
  const supportIds = new Set(
    (audit.data?.items ?? [])
      .filter((entry) => isSupportAction(entry.action))
      .map((entry) => entry.actorId),
  );
  const nameOf = (userId: string) => names.get(userId) ?? userId;
  const actorOf = (entry: AuditEntry) =>
    names.get(entry.actorId) ??
    (supportIds.has(entry.actorId) ? words.customerServices : entry.actorId);

  return (
    <Page title={words.title}>
      <p className="hint audit-intro">{words.intro}</p>
      {audit.isPending ? (
        <LoadingState label={words.loading} />
      ) : audit.isError ? (
        <ErrorState error={audit.error} retry={() => audit.refetch()} />
      ) : audit.data.items.length === 0 ? (
        <EmptyState>{words.empty}</EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table audit-table" aria-busy={audit.isFetching || undefined}>
              <caption className="visually-hidden">
                {words.caption(formatNumber(pages.pageNumber))}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{words.when}</th>
                  <th scope="col">{words.who}</th>
                  <th scope="col">{words.what}</th>
                  <th scope="col">{words.user}</th>
                  <th scope="col">{words.changes}</th>
                </tr>
              </thead>
              <tbody>
                {audit.data.items.map((entry, index) => {
                  const details = detailsInWords(entry, nameOf);
                  return (
                    // Entries have no id of their own; time and action order them.
                    // biome-ignore lint/suspicious/noArrayIndexKey: two entries may share a time and action
                    <tr key={`${entry.at}:${entry.action}:${index}`}>
                      <td className="audit-when">
                        <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                      </td>
                      <td className="audit-person">
                        <Person id={entry.actorId} name={actorOf(entry)} />
                      </td>
                      <td>{actionInWords(entry.action)}</td>
                      <td className="audit-person">
                        {entry.targetId ? (
                          <Person id={entry.targetId} name={nameOf(entry.targetId)} />
                        ) : (
                          <span className="muted">–</span>
                        )}
                      </td>
                      <td>
                        {details.length ? (
                          <ul className="audit-details">
                            {details.map((line) => (
                              <li key={line}>{line}</li>
                            ))}
                          </ul>
                        ) : (
                          <span className="muted">–</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            label={words.pages}
            pageNumber={pages.pageNumber}
            nextCursor={audit.data.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
            isBusy={audit.isFetching}
          />
        </>
      )}
    </Page>
  );
}

/** A name, or an id that could not be named (shown plainly, not as a name). */
function Person({ id, name }: { id: string; name: string }) {
  if (name !== id) return <>{name}</>;
  return <span className="audit-id">{id}</span>;
}
