/**
 * Find a person: anyone with an account, across every centre, by the start of their full
 * name or by their whole email address. This is how customer services rescue a coordinator
 * who has forgotten both their password and the email they sign in with: find them by name,
 * open their page in their centre's My Centre, change their email (`Save changes`) and
 * `Reset password` (or resend the invitation); or add a new coordinator to their centre.
 *
 * The search lives in the address (`?q=`); a new search starts again from page 1.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { unwrap } from '../../api/client';
import { EmailSchema } from '../../api/schemas';
import { Page } from '../../app/page';
import { ErrorSummary } from '../../components/forms';
import { ErrorState, LoadingState } from '../../components/states';
import { formatNumber, plural, t } from '../../i18n';
import { useApi } from '../../session/session';
import { Pager, useCursorPages } from '../my-centre/cursor-pager';
import { userPath } from '../my-centre/users';
import { peopleQueryKey, searchText, supportPaths } from './support-data';

const pageSize = 25;
const words = t.support.people;

/** Why a search cannot be sent as typed, or undefined when it can. */
function searchProblem(q: string): string | undefined {
  if (q.length > 254) return words.tooLong;
  if (q.includes('@')) return EmailSchema.safeParse(q).success ? undefined : words.emailFormat;
  // The API counts characters, not UTF-16 units: "Zoë" is 3.
  if (Array.from(q).length < 2) return words.tooShort;
  return undefined;
}

export default function PeoplePage() {
  const q = searchText(useSearch());
  const [, navigate] = useLocation();
  const ready = q !== '' && !searchProblem(q);
  return (
    <Page title={words.title}>
      <p className="support-intro">{words.intro}</p>
      <PersonSearch key={q} q={q} onSearch={(next) => navigate(supportPaths.peopleSearch(next))} />
      {ready ? <PeopleResults key={`results:${q}`} q={q} /> : null}
      <p className="hint support-after">{words.afterIntro}</p>
    </Page>
  );
}

function PersonSearch({ q, onSearch }: { q: string; onSearch(q: string): void }) {
  const [text, setText] = useState(q);
  // A search from the address that could not be sent says why, as a typed one does.
  const [error, setError] = useState<string | undefined>(() => (q ? searchProblem(q) : undefined));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const typed = text.trim();
    const problem = searchProblem(typed);
    setError(problem);
    if (!problem) onSearch(typed);
  };
  const describedBy = `people-q-hint${error ? ' people-q-error' : ''}`;
  return (
    <search aria-label={words.searchLandmark}>
      <ErrorSummary problems={error ? [{ fieldId: 'people-q', message: error }] : []} />
      <form className="support-search" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="people-q">{words.searchLabel}</label>
          <p className="hint" id="people-q-hint">
            {words.searchHint}
          </p>
          {error ? (
            <p className="field-error" id="people-q-error">
              {error}
            </p>
          ) : null}
          <div className="support-search-row">
            <input
              id="people-q"
              className="input"
              type="search"
              name="q"
              maxLength={254}
              autoComplete="off"
              aria-describedby={describedBy}
              aria-invalid={error ? true : undefined}
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
            <button type="submit" className="button">
              {words.search}
            </button>
          </div>
        </div>
      </form>
    </search>
  );
}

function PeopleResults({ q }: { q: string }) {
  const api = useApi();
  const pages = useCursorPages();
  const people = useQuery({
    queryKey: peopleQueryKey(q, pages.cursor),
    queryFn: async () =>
      unwrap(
        await api.GET('/support/users', {
          params: {
            query: { q, limit: pageSize, ...(pages.cursor ? { cursor: pages.cursor } : {}) },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  const page = people.data;
  const first = (pages.pageNumber - 1) * pageSize + 1;
  const last = first + (page?.items.length ?? 0) - 1;
  const none = pages.pageNumber > 1 ? words.noMore : words.noMatch(q);
  const shown = !page?.items.length
    ? ''
    : pages.pageNumber === 1 && !page.nextCursor
      ? plural(page.items.length, words.count).replaceAll('{q}', q)
      : words.shown(formatNumber(first), formatNumber(last), q);

  return (
    <section className="support-results" aria-label={words.title}>
      {/* One live line says what a search found, once found: shown when nothing was. */}
      <p
        className={
          !people.isFetching && page?.items.length === 0 ? 'state state-empty' : 'visually-hidden'
        }
        aria-live="polite"
      >
        {people.isFetching ? '' : page?.items.length === 0 ? none : shown}
      </p>
      {people.isPending ? (
        <LoadingState label={words.loading} />
      ) : people.isError && !page ? (
        <ErrorState error={people.error} retry={() => people.refetch()} />
      ) : page && page.items.length > 0 ? (
        <>
          {people.isError ? (
            <ErrorState error={people.error} retry={() => people.refetch()} />
          ) : null}
          <div className="table-wrap" aria-busy={people.isPlaceholderData || undefined}>
            <table className="table">
              <caption>{shown}</caption>
              <thead>
                <tr>
                  <th scope="col">{words.name}</th>
                  <th scope="col">{words.email}</th>
                  <th scope="col">{words.centre}</th>
                  <th scope="col">{words.role}</th>
                  <th scope="col">{words.status}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((person) => (
                  <tr key={person.userId}>
                    <td>
                      <Link href={userPath(person.centreId, person.userId)}>{person.name}</Link>
                    </td>
                    <td className="support-email">{person.email}</td>
                    <td>
                      <Link
                        href={supportPaths.centre(person.centreId)}
                        aria-label={words.openCentre(person.centreId)}
                      >
                        {person.centreId}
                      </Link>
                    </td>
                    <td>{words.roles[person.isAdmin ? 'admin' : 'teacher']}</td>
                    <td>
                      <span className={`badge ${person.status}`}>
                        {words.statuses[person.status]}
                      </span>
                    </td>
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
          label={words.pages}
          pageNumber={pages.pageNumber}
          nextCursor={page.nextCursor}
          onNext={pages.next}
          onPrevious={pages.previous}
          isBusy={people.isFetching}
        />
      ) : null}
    </section>
  );
}
