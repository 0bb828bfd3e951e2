/**
 * The `Learners` tab: the site's learners (name, stage, class), paged; add one, edit one,
 * remove one (a learner with Progression Test results stays, and the page says why). A
 * learner's name opens their results.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'wouter';
import { unwrap } from '../../api/client';
import { ApiProblem, problemWords } from '../../api/problem';
import { Page } from '../../app/page';
import { ErrorSummary, type FieldProblem } from '../../components/forms';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatNumber, t } from '../../i18n';
import { useApi } from '../../session/session';
import {
  checkLearner,
  emptyLearner,
  type LearnerBody,
  LearnerFields,
  type LearnerValues,
} from './learner-form';
import { FocusedNotice, SitePager, SiteTabs, useCursors } from './parts';
import {
  type Learner,
  learnerKey,
  learnerPath,
  learnersKey,
  newIdempotencyKey,
  type ProgressionSite,
  siteName,
  useSiteParams,
} from './site';

const pageSize = 50;

export default function LearnersTab() {
  const { centreId, site } = useSiteParams();
  const api = useApi();
  const queryClient = useQueryClient();
  const pages = useCursors();
  const [notice, setNotice] = useState<string | null>(null);
  const name = siteName(site);

  const learners = useQuery({
    queryKey: [...learnersKey(centreId, site), 'page', { cursor: pages.cursor }],
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/sites/{site}/learners', {
          params: { path: { centreId, site }, query: { cursor: pages.cursor, limit: pageSize } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const page = learners.data;
  const first = pages.offset(pageSize) + 1;
  const last = first + (page?.items.length ?? 0) - 1;
  const words = t.sites.learners;

  return (
    <Page title={t.sites.learnersTitle(name)} heading={t.sites.heading(name)}>
      <SiteTabs centreId={centreId} site={site} />
      {notice ? <FocusedNotice key={notice}>{notice}</FocusedNotice> : null}
      {learners.isPending ? (
        <LoadingState label={words.loading} />
      ) : learners.isError && !page ? (
        <ErrorState error={learners.error} retry={() => learners.refetch()} />
      ) : page && page.items.length === 0 && pages.pageNumber === 1 ? (
        <EmptyState>{words.none}</EmptyState>
      ) : page ? (
        <div className="site-results">
          {learners.isError ? (
            <ErrorState error={learners.error} retry={() => learners.refetch()} />
          ) : null}
          <p className="visually-hidden" aria-live="polite">
            {learners.isPlaceholderData
              ? words.loading
              : page.items.length
                ? words.showing(formatNumber(first), formatNumber(last))
                : words.noMore}
          </p>
          <div className="table-wrap" aria-busy={learners.isPlaceholderData || undefined}>
            <table className="table site-table">
              <caption>
                {page.items.length
                  ? words.caption(formatNumber(first), formatNumber(last))
                  : words.noMore}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{words.name}</th>
                  <th scope="col">{words.stage}</th>
                  <th scope="col">{words.classGroup}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((learner) => (
                  <tr key={learner.learnerId}>
                    <th scope="row" className="site-person">
                      <Link
                        href={learnerPath(centreId, site, learner.learnerId)}
                        onClick={() =>
                          queryClient.setQueryData(
                            learnerKey(centreId, site, learner.learnerId),
                            learner,
                          )
                        }
                      >
                        {learner.name}
                      </Link>
                    </th>
                    <td>{formatNumber(learner.stage)}</td>
                    <td>{learner.classGroup ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <SitePager
            what={words.pagesOf}
            pageNumber={pages.pageNumber}
            nextCursor={page.nextCursor}
            onNext={pages.next}
            onPrevious={pages.previous}
            isBusy={learners.isPlaceholderData}
          />
        </div>
      ) : null}

      <AddLearner
        centreId={centreId}
        site={site}
        onAdded={(learner) => {
          setNotice(words.added(learner.name));
          pages.reset();
          return queryClient.invalidateQueries({ queryKey: learnersKey(centreId, site) });
        }}
      />
    </Page>
  );
}

/** The API's VALIDATION_FAILED, as problems of the form's fields (in the catalogue's words). */
export function learnerProblemsOf(
  error: unknown,
  site: ProgressionSite,
  values: LearnerValues,
  prefix: string,
): FieldProblem[] {
  if (!(error instanceof ApiProblem) || error.code !== 'VALIDATION_FAILED') return [];
  const checked = checkLearner(site, values, prefix);
  if (checked.problems?.length) return checked.problems;
  // The browser found nothing the API did: name the fields the API named.
  return error.errors.map((fieldError) => {
    const field = fieldError.path.split('.')[0] ?? 'name';
    return {
      fieldId: `${prefix}-${['name', 'stage', 'classGroup'].includes(field) ? field : 'name'}`,
      message: problemWords(error),
    };
  });
}

function AddLearner({
  centreId,
  site,
  onAdded,
}: {
  centreId: string;
  site: ProgressionSite;
  onAdded(learner: Learner): void;
}) {
  const api = useApi();
  const [values, setValues] = useState<LearnerValues>(emptyLearner);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const words = t.sites.learners;
  const prefix = 'add-learner';

  const add = useMutation({
    mutationFn: async (body: LearnerBody) => {
      const json = JSON.stringify(body);
      if (attempt.current?.body !== json)
        attempt.current = { key: newIdempotencyKey(), body: json };
      return unwrap(
        await api.POST('/centres/{centreId}/sites/{site}/learners', {
          params: { path: { centreId, site }, header: { 'Idempotency-Key': attempt.current.key } },
          body,
        }),
      );
    },
    onSuccess: (learner) => {
      attempt.current = null;
      setValues(emptyLearner);
      onAdded(learner);
    },
    onError: (error) => setProblems(learnerProblemsOf(error, site, values, prefix)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.reset();
    const checked = checkLearner(site, values, prefix);
    if (checked.problems) {
      setProblems(checked.problems);
      return;
    }
    setProblems([]);
    add.mutate(checked.body);
  };

  return (
    <section className="panel site-panel site-form-panel" aria-labelledby="add-learner-heading">
      <h2 id="add-learner-heading">{words.addHeading}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorSummary problems={problems} title={t.sites.errorSummary} />
        {add.isError && !problems.length ? (
          <div className="notice error" role="alert">
            <p>{problemWords(add.error)}</p>
          </div>
        ) : null}
        <LearnerFields
          site={site}
          prefix={prefix}
          values={values}
          onChange={setValues}
          problems={problems}
        />
        <div>
          <button type="submit" className="button" disabled={add.isPending}>
            {add.isPending ? words.adding : words.add}
          </button>
        </div>
      </form>
    </section>
  );
}
