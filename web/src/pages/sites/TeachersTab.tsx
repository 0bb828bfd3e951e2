/**
 * The `Teachers` tab: the users with access to the site, each with how many Progression
 * Test results they own here. Coordinators `Add new` (the guide sends them to My Centre's
 * Add new users) and open a teacher by their name or the pencil on the right.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { unwrap } from '../../api/client';
import { firstFilledPage } from '../../api/paging';
import { Page } from '../../app/page';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatNumber, t } from '../../i18n';
import { useApi, useSession } from '../../session/session';
import { addUsersPath } from '../my-centre/users';
import { BreakableEmail, PencilIcon, SelectField, SitePager, SiteTabs, useCursors } from './parts';
import {
  type SiteTeacher,
  siteName,
  siteTeachersKey,
  teacherPath,
  useCanManage,
  useSiteParams,
} from './site';

const pageSize = 50;

export default function TeachersTab() {
  const { centreId, site } = useSiteParams();
  const api = useApi();
  const { me } = useSession();
  const canManage = useCanManage();
  const pages = useCursors();
  const [filters, setFilters] = useState<TeacherFilters>({});
  const filtered = Boolean(filters.q || filters.status);
  const name = siteName(site);
  const apply = (next: TeacherFilters) => {
    setFilters(next);
    pages.reset();
  };

  const teachers = useQuery({
    queryKey: [...siteTeachersKey(centreId, site), 'page', { cursor: pages.cursor, ...filters }],
    queryFn: () =>
      firstFilledPage(
        async (cursor) =>
          unwrap(
            await api.GET('/centres/{centreId}/sites/{site}/teachers', {
              params: { path: { centreId, site }, query: { cursor, limit: pageSize, ...filters } },
            }),
          ),
        pages.cursor,
      ),
    placeholderData: keepPreviousData,
  });
  const page = teachers.data;
  const first = pages.offset(pageSize) + 1;
  const last = first + (page?.items.length ?? 0) - 1;

  return (
    <Page
      title={t.sites.teachersTitle(name)}
      heading={t.sites.heading(name)}
      actions={
        canManage ? (
          <Link href={addUsersPath(centreId)} className="button">
            {t.sites.teachers.addNew}
          </Link>
        ) : null
      }
    >
      <SiteTabs centreId={centreId} site={site} />
      <TeacherSearch key={JSON.stringify(filters)} filters={filters} onApply={apply} />
      {teachers.isPending ? (
        <LoadingState label={t.sites.teachers.loading} />
      ) : teachers.isError && !page ? (
        <ErrorState error={teachers.error} retry={() => teachers.refetch()} />
      ) : page && page.items.length === 0 && pages.pageNumber === 1 ? (
        <EmptyState>
          {filtered ? (
            <>
              {t.sites.teachers.noMatches}{' '}
              <button type="button" className="link-button" onClick={() => apply({})}>
                {t.sites.teachers.clear}
              </button>
            </>
          ) : canManage ? (
            t.sites.teachers.noneCoordinator
          ) : (
            t.sites.teachers.none
          )}
        </EmptyState>
      ) : page ? (
        <div className="site-results">
          {teachers.isError ? (
            <ErrorState error={teachers.error} retry={() => teachers.refetch()} />
          ) : null}
          <p className="visually-hidden" aria-live="polite">
            {teachers.isPlaceholderData
              ? t.sites.teachers.loading
              : page.items.length
                ? t.sites.teachers.showing(formatNumber(first), formatNumber(last))
                : t.sites.teachers.noMore}
          </p>
          <div className="table-wrap" aria-busy={teachers.isPlaceholderData || undefined}>
            <table className="table site-table">
              <caption>
                {page.items.length
                  ? t.sites.teachers.caption(formatNumber(first), formatNumber(last))
                  : t.sites.teachers.noMore}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t.sites.teachers.name}</th>
                  <th scope="col">{t.sites.teachers.email}</th>
                  <th scope="col">{t.sites.teachers.status}</th>
                  <th scope="col" className="numeric">
                    {t.sites.teachers.data}
                  </th>
                  {canManage ? (
                    <th scope="col">
                      <span className="visually-hidden">{t.sites.teachers.actions}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {page.items.map((teacher) => {
                  const href = teacherPath(centreId, site, teacher.userId);
                  return (
                    <tr key={teacher.userId}>
                      <th scope="row" className="site-person">
                        {canManage ? <Link href={href}>{teacher.name}</Link> : teacher.name}
                        {teacher.userId === me?.userId ? (
                          <span className="hint"> {t.sites.teachers.you}</span>
                        ) : null}
                      </th>
                      <td>
                        <BreakableEmail email={teacher.email} />
                      </td>
                      <td>
                        <span className={`badge ${teacher.status}`}>
                          {t.sites.statuses[teacher.status]}
                        </span>
                      </td>
                      <td className="numeric">{formatNumber(teacher.progressionData[site])}</td>
                      {canManage ? (
                        <td className="site-actions">
                          <Link
                            href={href}
                            className="icon-button"
                            aria-label={t.sites.teachers.edit(teacher.name)}
                            title={t.sites.teachers.edit(teacher.name)}
                          >
                            <PencilIcon />
                          </Link>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <SitePager
            what={t.sites.teachers.pagesOf}
            pageNumber={pages.pageNumber}
            nextCursor={page.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
            isBusy={teachers.isPlaceholderData}
          />
        </div>
      ) : null}
    </Page>
  );
}

type TeacherStatus = SiteTeacher['status'];
interface TeacherFilters {
  q?: string;
  status?: TeacherStatus;
}
const statuses = Object.keys(t.sites.statuses) as TeacherStatus[];

/** "Find the user": a search on any part of the name or email, and the status. */
function TeacherSearch({
  filters,
  onApply,
}: {
  filters: TeacherFilters;
  onApply(filters: TeacherFilters): void;
}) {
  const [text, setText] = useState(filters.q ?? '');
  const words = t.sites.teachers;
  const typed = (): TeacherFilters => {
    const q = text.trim().slice(0, 100);
    return { ...filters, q: q || undefined };
  };
  return (
    <search aria-label={words.searchLandmark}>
      <form
        className="filters site-filters"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          onApply(typed());
        }}
      >
        <div className="field site-search">
          <label htmlFor="teachers-q">{words.search}</label>
          <p className="hint" id="teachers-q-hint">
            {words.searchHint}
          </p>
          <div className="site-search-row">
            <input
              id="teachers-q"
              className="input"
              type="search"
              maxLength={100}
              autoComplete="off"
              aria-describedby="teachers-q-hint"
              value={text}
              onChange={(event) => setText(event.target.value)}
            />
            <button type="submit" className="button">
              {words.searchButton}
            </button>
          </div>
        </div>
        <SelectField
          id="teachers-status"
          label={words.statusFilter}
          value={filters.status ?? ''}
          onChange={(status) =>
            onApply({ ...typed(), status: (status || undefined) as TeacherStatus | undefined })
          }
          placeholder={words.allStatuses}
          options={statuses.map((status) => [status, t.sites.statuses[status]] as const)}
        />
      </form>
    </search>
  );
}
