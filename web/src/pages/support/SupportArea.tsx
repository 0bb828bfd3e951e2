/**
 * Customer services' start page (a light first version): open any centre's My Centre by its
 * number, or pick it from the list of centres. Support staff belong to no centre, so this
 * is where *Administration → My Centre* takes them.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { unwrap } from '../../api/client';
import { CentreIdSchema } from '../../api/schemas';
import { Page } from '../../app/page';
import { ErrorSummary, TextField } from '../../components/forms';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { useApi, useSession } from '../../session/session';
import { siteNames } from '../my-centre/centre';
import { Pager, useCursorPages } from '../my-centre/cursor-pager';

const pageSize = 25;

export default function SupportPage() {
  const { isSupport, me } = useSession();
  if (!isSupport)
    return (
      <Page title="Customer services">
        <p>This page is for customer services staff.</p>
        {me?.centreId ? (
          <p>
            <Link href={`/centres/${me.centreId}/users`}>Go to My Centre</Link>
          </p>
        ) : null}
      </Page>
    );
  return (
    <Page title="Customer services">
      <div className="support-page">
        <OpenCentre />
        <Centres />
      </div>
    </Page>
  );
}

function OpenCentre() {
  const [, navigate] = useLocation();
  const [centreId, setCentreId] = useState('');
  const [error, setError] = useState<string | undefined>();

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    // People type centre numbers in any case and with stray spaces; the id itself is capitals.
    const typed = centreId.trim().toUpperCase();
    if (!typed) return setError('Enter a centre number');
    const parsed = CentreIdSchema.safeParse(typed);
    if (!parsed.success)
      return setError('Enter a centre number as two letters and 3 to 8 digits, like GB001');
    setError(undefined);
    navigate(`/centres/${parsed.data}/users`);
  };

  return (
    <section className="panel" aria-labelledby="open-centre-heading">
      <h2 id="open-centre-heading">Open a centre</h2>
      <form className="form support-form" onSubmit={submit} noValidate>
        <ErrorSummary problems={error ? [{ fieldId: 'centre-id', message: error }] : []} />
        <TextField
          id="centre-id"
          label="Centre number"
          hint="For example, GB001"
          value={centreId}
          onChange={setCentreId}
          autoComplete="off"
          error={error}
        />
        <div>
          <button type="submit" className="button">
            Open My Centre
          </button>
        </div>
      </form>
    </section>
  );
}

function Centres() {
  const api = useApi();
  const pages = useCursorPages();
  const centres = useQuery({
    queryKey: ['support', 'centres', pages.cursor ?? 'first'],
    queryFn: async () =>
      unwrap(
        await api.GET('/support/centres', {
          params: { query: { limit: pageSize, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  return (
    <section aria-labelledby="centres-heading">
      <h2 id="centres-heading">Centres</h2>
      {centres.isPending ? (
        <LoadingState label="Loading the centres" />
      ) : centres.isError ? (
        <ErrorState error={centres.error} retry={() => centres.refetch()} />
      ) : centres.data.items.length === 0 ? (
        <EmptyState>There are no centres yet.</EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" aria-busy={centres.isFetching || undefined}>
              <caption className="visually-hidden">Centres, page {pages.pageNumber}</caption>
              <thead>
                <tr>
                  <th scope="col">Centre number</th>
                  <th scope="col">Name</th>
                  <th scope="col">Eligible sites</th>
                </tr>
              </thead>
              <tbody>
                {centres.data.items.map((centre) => (
                  <tr key={centre.centreId}>
                    <td>
                      <Link href={`/centres/${centre.centreId}/users`}>{centre.centreId}</Link>
                    </td>
                    <td>{centre.name}</td>
                    <td>
                      {centre.eligibleSites.length
                        ? centre.eligibleSites.map((site) => siteNames[site] ?? site).join(', ')
                        : 'None'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Centre pages"
            pageNumber={pages.pageNumber}
            nextCursor={centres.data.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
            isBusy={centres.isFetching}
          />
        </>
      )}
    </section>
  );
}
