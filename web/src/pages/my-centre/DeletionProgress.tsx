/**
 * The removal workflow, followed until it ends: the one deletion progress of the console,
 * shown by My Centre's user page and by a site's teacher page (each in its own frame).
 */
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect } from 'react';
import { Page } from '../../app/page';
import { ErrorState } from '../../components/states';
import { t } from '../../i18n';
import { useOperation, usersChanged } from './user-detail';
import { userQueryKey } from './users';

const said = t.userPage.deletion;

export function DeletionProgress({
  centreId,
  userId,
  operationId,
  name,
  before,
  frame,
  className,
  back,
}: {
  centreId: string;
  userId: string;
  operationId: string;
  name: string;
  /** Shown above the panel (a site's tabs, say). */
  before?: ReactNode;
  /** A class for a box around the panel (the page's own layout), if any. */
  frame?: string;
  /** The panel's classes. */
  className: string;
  /** Where to go once the deletion has ended. */
  back: ReactNode;
}) {
  const queryClient = useQueryClient();
  const operation = useOperation(centreId, operationId);
  const status = operation.data?.status ?? 'running';

  useEffect(() => {
    if (status === 'running') return;
    if (status === 'succeeded')
      queryClient.removeQueries({ queryKey: userQueryKey(centreId, userId) });
    else void queryClient.invalidateQueries({ queryKey: userQueryKey(centreId, userId) });
    void usersChanged(queryClient, centreId, userId);
  }, [status, queryClient, centreId, userId]);

  const title =
    status === 'running'
      ? said.runningTitle(name)
      : status === 'succeeded'
        ? said.succeededTitle(name)
        : said.failedTitle(name);

  const panel = (
    <section className={className} aria-labelledby="deletion-heading">
      <h2 id="deletion-heading">{said.heading}</h2>
      {status === 'running' ? (
        <div className="field">
          <label htmlFor="deletion-progress">{said.progress(name)}</label>
          <progress id="deletion-progress" className="progress" />
        </div>
      ) : null}
      <div role="status" className="deletion-status">
        {status === 'running' ? (
          <p>{said.running(name)}</p>
        ) : status === 'succeeded' ? (
          <p className="notice success">{said.succeeded(name)}</p>
        ) : null}
      </div>
      {operation.isError ? (
        <ErrorState error={operation.error} retry={() => operation.refetch()} />
      ) : null}
      {status === 'failed' || status === 'needs_transfer' ? (
        <div className="notice error" role="alert">
          <p>
            {status === 'needs_transfer'
              ? said.needsTransfer(name)
              : operation.data?.error
                ? said.failedBecause(name, operation.data.error)
                : said.failed(name)}
          </p>
        </div>
      ) : null}
      {status === 'running' ? null : <p>{back}</p>}
    </section>
  );

  return (
    <Page title={title} heading={name}>
      {before}
      {frame ? <div className={frame}>{panel}</div> : panel}
    </Page>
  );
}
