/**
 * Customer services' home: find a centre by the start of its number or of its name (one
 * field; the API tells them apart: a digit means a centre number), page through the
 * results, open one, or create a centre. The search lives in the address (`?q=`), so Back
 * returns to it and a link can be shared; the page's cursors live in the component, and a
 * new search starts again from page 1.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { unwrap } from '../../api/client';
import { Page } from '../../app/page';
import { ErrorState, LoadingState } from '../../components/states';
import { formatNumber, plural, t } from '../../i18n';
import { useApi } from '../../session/session';
import { Pager, useCursorPages } from '../my-centre/cursor-pager';
import { centresListQueryKey, searchText, siteListWords, supportPaths } from './support-data';

const pageSize = 25;

export default function CentresPage() {
  const q = searchText(useSearch());
  const [, navigate] = useLocation();
  return (
    <Page
      title={t.support.centres.title}
      actions={
        <Link href={supportPaths.newCentre} className="button">
          {t.support.centres.create}
        </Link>
      }
    >
      <CentreSearch key={q} q={q} onSearch={(next) => navigate(supportPaths.centresSearch(next))} />
      {/* A new search is a new list: its pages start again from the first. */}
      <CentreResults key={`results:${q}`} q={q} />
    </Page>
  );
}

function CentreSearch({ q, onSearch }: { q: string; onSearch(q: string): void }) {
  const [text, setText] = useState(q);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const typed = text.trim();
    // A centre number is capitals; people type it in any case.
    onSearch(/\d/.test(typed) ? typed.toUpperCase() : typed);
  };
  return (
    <search aria-label={t.support.centres.searchLandmark}>
      <form className="support-search" onSubmit={submit}>
        <div className="field">
          <label htmlFor="centres-q">{t.support.centres.searchLabel}</label>
          <p className="hint" id="centres-q-hint">
            {t.support.centres.searchHint}
          </p>
          <div className="support-search-row">
            <input
              id="centres-q"
              className="input"
              type="search"
              name="q"
              maxLength={100}
              autoComplete="off"
              aria-describedby="centres-q-hint"
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
            <button type="submit" className="button">
              {t.support.centres.search}
            </button>
          </div>
        </div>
      </form>
      {q ? (
        <p className="support-clear">
          <Link href={supportPaths.centres}>{t.support.centres.clear}</Link>
        </p>
      ) : null}
    </search>
  );
}

function CentreResults({ q }: { q: string }) {
  const api = useApi();
  const pages = useCursorPages();
  const centres = useQuery({
    queryKey: centresListQueryKey(q, pages.cursor),
    queryFn: async () =>
      unwrap(
        await api.GET('/support/centres', {
          params: {
            query: {
              limit: pageSize,
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
              ...(q ? { q } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  const page = centres.data;
  const first = (pages.pageNumber - 1) * pageSize + 1;
  const last = first + (page?.items.length ?? 0) - 1;
  const shown = !page?.items.length
    ? ''
    : pages.pageNumber === 1 && !page.nextCursor
      ? q
        ? plural(page.items.length, t.support.centres.countMatching).replaceAll('{q}', q)
        : plural(page.items.length, t.support.centres.count)
      : q
        ? t.support.centres.shownMatching(formatNumber(first), formatNumber(last), q)
        : t.support.centres.shown(formatNumber(first), formatNumber(last));

  return (
    <section className="support-results" aria-label={t.support.centres.title}>
      {/* One live line says what a search found, once found: shown when nothing was. */}
      <p
        className={
          !centres.isFetching && page?.items.length === 0 ? 'state state-empty' : 'visually-hidden'
        }
        aria-live="polite"
      >
        {centres.isFetching
          ? ''
          : page?.items.length === 0
            ? noneWords(q, pages.pageNumber)
            : shown}
      </p>
      {centres.isPending ? (
        <LoadingState label={t.support.centres.loading} />
      ) : centres.isError && !page ? (
        <ErrorState error={centres.error} retry={() => centres.refetch()} />
      ) : page && page.items.length > 0 ? (
        <>
          {centres.isError ? (
            <ErrorState error={centres.error} retry={() => centres.refetch()} />
          ) : null}
          <div className="table-wrap" aria-busy={centres.isPlaceholderData || undefined}>
            <table className="table">
              <caption>{shown}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.support.centreNumber}</th>
                  <th scope="col">{t.support.centres.name}</th>
                  <th scope="col">{t.support.centres.eligibleSites}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((centre) => (
                  <tr key={centre.centreId}>
                    <td>
                      <Link href={supportPaths.centre(centre.centreId)}>{centre.centreId}</Link>
                    </td>
                    <td>{centre.name}</td>
                    <td>{siteListWords(centre.eligibleSites)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {/* Also under an empty page, to go back from it. */}
      {page ? (
        <Pager
          label={t.support.centres.pages}
          pageNumber={pages.pageNumber}
          nextCursor={page.nextCursor}
          onNext={pages.next}
          onPrevious={pages.previous}
          isBusy={centres.isFetching}
        />
      ) : null}
    </section>
  );
}

function noneWords(q: string, pageNumber: number) {
  if (pageNumber > 1) return t.support.centres.noMore;
  return q ? t.support.centres.noMatch(q) : t.support.centres.none;
}
