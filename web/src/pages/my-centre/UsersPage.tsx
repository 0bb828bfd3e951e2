/**
 * My Centre › Users: find the centre's users by search and filters, page through them and
 * suspend one. The search and filters live in the address (Back works, a link can be
 * shared); the page's cursors live in the history entry, so Back also returns to the page
 * a user was opened from. The first page is one call to the users route: the centre comes
 * from the layout's cached query.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useHistoryState } from 'wouter/use-browser-location';
import { unwrap } from '../../api/client';
import { firstFilledPage } from '../../api/paging';
import { problemWords } from '../../api/problem';
import { Page } from '../../app/page';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatNumber, t } from '../../i18n';
import { useApi, useSession } from '../../session/session';
import { siteNames, useCentre, useCentreId } from './centre';
import { ExportButton, ExportStatus, useUsersExport } from './import/ExportUsers';
import {
  addUsersPath,
  type CentreUser,
  emailProblemLabels,
  filtersFromSearch,
  progressionDataWords,
  type Role,
  roleLabels,
  roleOf,
  type Site,
  sortSites,
  statusLabels,
  type UserFilters,
  type UserStatus,
  userPath,
  userQueryKey,
  usersListHref,
  usersListQueryKey,
  usersPath,
  usersQueryKey,
} from './users';

const pageSize = 50;
const w = t.myCentre.users;

/** The cursors of the pages before this one; kept in the history entry, not the address. */
interface PagingState {
  usersPages?: string[];
}

export default function UsersPage() {
  const api = useApi();
  const centreId = useCentreId();
  const centre = useCentre();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const search = useSearch();
  const [location, navigate] = useLocation();
  const filters = filtersFromSearch(search);
  const filtered = Boolean(
    filters.q || filters.status || filters.role || filters.site || filters.email,
  );

  const historyState = useHistoryState<PagingState | null>();
  const pages = historyState?.usersPages ?? [];
  const cursor = pages.at(-1);
  const here = location + (search ? `?${search}` : '');

  const users = useQuery({
    queryKey: usersListQueryKey(centreId, filters, cursor),
    queryFn: () =>
      firstFilledPage(
        async (from) =>
          unwrap(
            await api.GET('/centres/{centreId}/users', {
              params: { path: { centreId }, query: { ...filters, cursor: from, limit: pageSize } },
            }),
          ),
        cursor,
      ),
    // While the next page or a new search loads, the table stays rather than flashing away.
    placeholderData: keepPreviousData,
  });

  const [notice, setNotice] = useState<string | null>(null);
  const [toSuspend, setToSuspend] = useState<CentreUser | null>(null);
  const suspend = useMutation({
    mutationFn: async (user: CentreUser) =>
      unwrap(
        await api.POST('/centres/{centreId}/users/{userId}/suspend', {
          params: { path: { centreId, userId: user.userId } },
        }),
      ),
    onSuccess: (result) => {
      queryClient.setQueryData(userQueryKey(centreId, result.user.userId), result.user);
      setToSuspend(null);
      setNotice(w.suspended(result.user.name, progressionDataWords(result.progressionData)));
      return queryClient.invalidateQueries({ queryKey: usersQueryKey(centreId) });
    },
  });

  const tableRef = useRef<HTMLDivElement>(null);
  const goToPages = (next: string[]) => {
    navigate(here, { state: { usersPages: next } satisfies PagingState });
    tableRef.current?.scrollIntoView({ block: 'start' });
  };
  const applyFilters = (next: UserFilters) => {
    setNotice(null);
    // A new search starts from the first page: the history entry has no cursors.
    navigate(usersListHref(centreId, next));
  };

  const eligibleSites = sortSites(centre.data?.eligibleSites ?? []);
  const page = users.data;
  const firstShown = pages.length * pageSize + 1;
  const first = formatNumber(firstShown);
  const last = formatNumber(firstShown + (page?.items.length ?? 0) - 1);
  const exporter = useUsersExport(centreId, filters);

  return (
    <Page
      title={w.title}
      actions={
        <>
          <ExportButton {...exporter} />
          <Link href={addUsersPath(centreId)} className="button">
            {w.addNewUsers}
          </Link>
        </>
      }
    >
      <ExportStatus state={exporter.state} />
      {notice ? <SuccessNotice key={notice}>{notice}</SuccessNotice> : null}

      <UserSearch
        // A new address (Back, a shared link) starts the form again from what it says.
        key={search}
        filters={filters}
        eligibleSites={eligibleSites}
        onApply={applyFilters}
      />
      {filtered && page?.items.length ? (
        <p className="users-clear">
          <Link href={usersPath(centreId)} onClick={() => setNotice(null)}>
            {w.clearSearch}
          </Link>
        </p>
      ) : null}

      {users.isPending ? (
        <LoadingState label={w.loading} />
      ) : users.isError && !page ? (
        <ErrorState error={users.error} retry={() => users.refetch()} />
      ) : page && page.items.length === 0 && pages.length === 0 ? (
        <EmptyState>
          {filtered ? (
            <>
              {w.noMatch} <Link href={usersPath(centreId)}>{w.clearSearch}</Link> {w.noMatchAction}
            </>
          ) : (
            <>
              {w.none} <Link href={addUsersPath(centreId)}>{w.addNewUsers}</Link> {w.noneAction}
            </>
          )}
        </EmptyState>
      ) : page ? (
        <div ref={tableRef} className="users-results">
          {users.isError ? <ErrorState error={users.error} retry={() => users.refetch()} /> : null}
          <p className="visually-hidden" aria-live="polite">
            {users.isPlaceholderData
              ? w.loading
              : page.items.length
                ? w.showing(first, last)
                : w.noMore}
          </p>
          <div className="table-wrap" aria-busy={users.isPlaceholderData || undefined}>
            <table className="table users-table">
              <caption>
                {page.items.length
                  ? filtered
                    ? w.captionFiltered(first, last)
                    : w.caption(first, last)
                  : w.noMore}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{w.columns.name}</th>
                  <th scope="col">{w.columns.email}</th>
                  <th scope="col">{w.columns.role}</th>
                  <th scope="col">{w.columns.sites}</th>
                  <th scope="col">{w.columns.status}</th>
                  <th scope="col">
                    <span className="visually-hidden">{w.columns.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((user) => (
                  <UserRow
                    key={user.userId}
                    user={user}
                    isMe={user.userId === me?.userId}
                    onSuspend={() => {
                      suspend.reset();
                      setToSuspend(user);
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {pages.length > 0 || page.nextCursor ? (
            <nav aria-label={w.pages} className="pager">
              <span className="pager-page">{w.page(formatNumber(pages.length + 1))}</span>
              <button
                type="button"
                className="button secondary"
                disabled={pages.length === 0}
                onClick={() => goToPages(pages.slice(0, -1))}
              >
                {w.previousPage}
              </button>
              <button
                type="button"
                className="button secondary"
                disabled={!page.nextCursor || users.isPlaceholderData}
                onClick={() => page.nextCursor && goToPages([...pages, page.nextCursor])}
              >
                {w.nextPage}
              </button>
            </nav>
          ) : null}
        </div>
      ) : null}

      <ConfirmDialog
        isOpen={toSuspend !== null}
        onOpenChange={(open) => {
          if (!open) setToSuspend(null);
        }}
        title={w.suspendTitle(toSuspend?.name ?? '')}
        confirmLabel={w.suspendYes}
        cancelLabel={w.suspendNo}
        danger
        isPending={suspend.isPending}
        onConfirm={() => toSuspend && suspend.mutate(toSuspend)}
      >
        <p>{w.suspendBody}</p>
        {suspend.isError ? (
          <p className="field-error" role="alert">
            {problemWords(suspend.error)}
          </p>
        ) : null}
      </ConfirmDialog>
    </Page>
  );
}

function UserRow({
  user,
  isMe,
  onSuspend,
}: {
  user: CentreUser;
  isMe: boolean;
  onSuspend(): void;
}) {
  const centreId = useCentreId();
  return (
    <tr>
      <td>
        <Link href={userPath(centreId, user.userId)} className="user-name">
          {user.name}
        </Link>
        {isMe ? <span className="hint">{w.you}</span> : null}
      </td>
      <td className="users-email">
        <BreakableEmail email={user.email} />
        {user.emailStatus ? (
          <span className={`badge email-problem ${user.emailStatus.problem}`}>
            {emailProblemLabels[user.emailStatus.problem]}
          </span>
        ) : null}
      </td>
      <td>{roleLabels[roleOf(user)]}</td>
      <td>
        {user.sites.length ? (
          <ul className="users-sites">
            {sortSites(user.sites).map((site) => (
              <li key={site}>{siteNames[site] ?? site}</li>
            ))}
          </ul>
        ) : (
          <span className="hint">{w.noSites}</span>
        )}
      </td>
      <td>
        <span className={`badge ${user.status}`}>{statusLabels[user.status]}</span>
      </td>
      <td className="users-actions">
        {/* Only an active user can be suspended, and never by themselves (CANNOT_MODIFY_SELF). */}
        {user.status === 'active' && !isMe ? (
          <button type="button" className="button danger secondary small" onClick={onSuspend}>
            {w.suspendUser}
            <span className="visually-hidden"> {user.name}</span>
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** An email may wrap before its @ in a narrow column, never in the middle of a word. */
function BreakableEmail({ email }: { email: string }) {
  const at = email.lastIndexOf('@');
  if (at <= 0) return email;
  return (
    <>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </>
  );
}

/**
 * Takes focus when it appears (keyed by its words, so each new notice does): the button
 * that opened the dialog may be gone by then.
 */
function SuccessNotice({ children }: { children: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} className="notice success" role="status" tabIndex={-1}>
      {children}
    </div>
  );
}

const allValue = '';

function UserSearch({
  filters,
  eligibleSites,
  onApply,
}: {
  filters: UserFilters;
  eligibleSites: Site[];
  onApply(filters: UserFilters): void;
}) {
  const [text, setText] = useState(filters.q ?? '');
  const typed = (): UserFilters => ({ ...filters, q: text.trim() || undefined });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onApply(typed());
  };
  return (
    <search aria-label={w.search.region}>
      <form className="filters users-filters" onSubmit={onSubmit}>
        <div className="field users-search">
          <label htmlFor="users-q">{w.search.label}</label>
          <p className="hint" id="users-q-hint">
            {w.search.hint}
          </p>
          <div className="users-search-row">
            <input
              id="users-q"
              className="input"
              type="search"
              name="q"
              maxLength={100}
              autoComplete="off"
              aria-describedby="users-q-hint"
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
            <button type="submit" className="button">
              {w.search.button}
            </button>
          </div>
        </div>
        <FilterSelect
          id="users-status"
          label={w.search.status}
          value={filters.status}
          options={(Object.keys(statusLabels) as UserStatus[]).map((status) => [
            status,
            statusLabels[status],
          ])}
          onChange={(status) => onApply({ ...typed(), status: status as UserStatus | undefined })}
        />
        <FilterSelect
          id="users-role"
          label={w.search.role}
          value={filters.role}
          options={(Object.keys(roleLabels) as Role[]).map((role) => [role, roleLabels[role]])}
          onChange={(role) => onApply({ ...typed(), role: role as Role | undefined })}
        />
        {eligibleSites.length > 0 ? (
          <FilterSelect
            id="users-site"
            label={w.search.site}
            value={filters.site}
            options={eligibleSites.map((site) => [site, siteNames[site] ?? site])}
            onChange={(site) => onApply({ ...typed(), site: site as Site | undefined })}
          />
        ) : null}
        <FilterSelect
          id="users-email"
          label={w.search.email}
          value={filters.email}
          options={[['problem', w.search.emailProblem]]}
          onChange={(email) => onApply({ ...typed(), email: email as 'problem' | undefined })}
        />
      </form>
    </search>
  );
}

function FilterSelect({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string | undefined;
  options: [string, string][];
  onChange(value: string | undefined): void;
}) {
  return (
    <div className="field users-filter">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className="input"
        value={value ?? allValue}
        onChange={(event) => onChange(event.target.value || undefined)}
      >
        <option value={allValue}>{w.search.all}</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
}
