/**
 * A learner's page on a support site: their details, their Progression Test results (paged),
 * and `Record a result`. Coordinators choose the teacher who owns the result among the
 * site's teachers; a teacher's own results are theirs.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useParams } from 'wouter';
import { unwrap } from '../../api/client';
import { ApiProblem, isProblem, problemWords } from '../../api/problem';
import { ResultBodySchema } from '../../api/schemas';
import { Page } from '../../app/page';
import { ErrorSummary, type FieldProblem, TextField } from '../../components/forms';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatDate, formatNumber, t } from '../../i18n';
import { useApi, useSession } from '../../session/session';
import { usersQueryKey } from '../my-centre/users';
import { FocusedNotice, Refusal, SelectField, SitePager, SiteTabs, useCursors } from './parts';
import {
  type Learner,
  learnerKey,
  learnersPath,
  newIdempotencyKey,
  type ProgressionSite,
  resultsKey,
  type SiteTeacher,
  type Subject,
  siteName,
  stageList,
  stagesOf,
  subjects,
  useAllSiteTeachers,
  useCanManage,
  useSiteParams,
} from './site';

export default function LearnerPage() {
  const { learnerId = '' } = useParams<{ learnerId: string }>();
  return <LearnerPageOf key={learnerId} learnerId={learnerId} />;
}

function useLearner(centreId: string, site: ProgressionSite, learnerId: string) {
  const api = useApi();
  return useQuery({
    queryKey: learnerKey(centreId, site, learnerId),
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/sites/{site}/learners/{learnerId}', {
          params: { path: { centreId, site, learnerId } },
        }),
      ),
  });
}

function LearnerPageOf({ learnerId }: { learnerId: string }) {
  const { centreId, site } = useSiteParams();
  const learner = useLearner(centreId, site, learnerId);
  const words = t.sites.learner;

  if (learner.isPending) return <LoadingState label={words.loading} />;
  if (
    learner.isError &&
    (isProblem(learner.error, 'NOT_FOUND') || isProblem(learner.error, 'VALIDATION_FAILED'))
  )
    return (
      <Refusal title={words.notFoundTitle}>
        <p>{words.notFound}</p>
        <p>
          <Link href={learnersPath(centreId, site)}>{words.backToLearners}</Link>
        </p>
      </Refusal>
    );
  if (learner.isError)
    return (
      <Page title={t.sites.heading(siteName(site))}>
        <ErrorState error={learner.error} retry={() => learner.refetch()} />
      </Page>
    );
  return <LearnerDetails centreId={centreId} site={site} learner={learner.data} />;
}

function LearnerDetails({
  centreId,
  site,
  learner,
}: {
  centreId: string;
  site: ProgressionSite;
  learner: Learner;
}) {
  const canManage = useCanManage();
  const teachers = useAllSiteTeachers(centreId, site);
  const [notice, setNotice] = useState<string | null>(null);
  const pages = useCursors();
  const words = t.sites.learner;
  const names = new Map(
    (teachers.data?.items ?? []).map((teacher) => [teacher.userId, teacher.name]),
  );

  return (
    <Page title={words.title(learner.name, siteName(site))} heading={learner.name}>
      <SiteTabs centreId={centreId} site={site} />
      <p className="site-back">
        <Link href={learnersPath(centreId, site)}>{words.backToLearners}</Link>
      </p>
      {notice ? <FocusedNotice key={notice}>{notice}</FocusedNotice> : null}
      <section className="panel site-panel" aria-labelledby="learner-details-heading">
        <h2 id="learner-details-heading">{words.detailsHeading}</h2>
        <dl className="details">
          <dt>{t.sites.learners.name}</dt>
          <dd>{learner.name}</dd>
          <dt>{t.sites.learners.stage}</dt>
          <dd>{formatNumber(learner.stage)}</dd>
          <dt>{t.sites.learners.classGroup}</dt>
          <dd>{learner.classGroup ?? words.noClass}</dd>
        </dl>
      </section>

      <Results
        centreId={centreId}
        site={site}
        learnerId={learner.learnerId}
        pages={pages}
        names={names}
      />

      <RecordResult
        centreId={centreId}
        site={site}
        learner={learner}
        teachers={canManage ? (teachers.data?.items ?? []) : null}
        onRecorded={(subject, series) => {
          setNotice(words.recorded(t.sites.subjects[subject], series));
          pages.reset();
        }}
      />
    </Page>
  );
}

const resultsPageSize = 25;

function Results({
  centreId,
  site,
  learnerId,
  pages,
  names,
}: {
  centreId: string;
  site: ProgressionSite;
  learnerId: string;
  pages: ReturnType<typeof useCursors>;
  names: Map<string, string>;
}) {
  const api = useApi();
  const words = t.sites.learner;
  const results = useQuery({
    queryKey: [...resultsKey(centreId, site, learnerId), { cursor: pages.cursor }],
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}/sites/{site}/progression-tests', {
          params: {
            path: { centreId, site },
            query: { learnerId, cursor: pages.cursor, limit: resultsPageSize },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const page = results.data;
  const first = pages.offset(resultsPageSize) + 1;
  const last = first + (page?.items.length ?? 0) - 1;

  return (
    <section className="site-section" aria-labelledby="results-heading">
      <h2 id="results-heading">{words.resultsHeading}</h2>
      {results.isPending ? (
        <LoadingState label={words.loadingResults} />
      ) : results.isError && !page ? (
        <ErrorState error={results.error} retry={() => results.refetch()} />
      ) : page && page.items.length === 0 && pages.pageNumber === 1 ? (
        <EmptyState>{words.noResults}</EmptyState>
      ) : page ? (
        <div className="site-results">
          <div className="table-wrap" aria-busy={results.isPlaceholderData || undefined}>
            <table className="table site-table">
              <caption>
                {page.items.length
                  ? words.resultsCaption(formatNumber(first), formatNumber(last))
                  : t.common.pager.page(formatNumber(pages.pageNumber))}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{words.series}</th>
                  <th scope="col">{words.subject}</th>
                  <th scope="col">{t.sites.learners.stage}</th>
                  <th scope="col" className="numeric">
                    {words.score}
                  </th>
                  <th scope="col">{words.date}</th>
                  <th scope="col">{words.teacher}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((result) => (
                  <tr key={result.resultId}>
                    <th scope="row">{result.series}</th>
                    <td>{t.sites.subjects[result.subject]}</td>
                    <td>{formatNumber(result.stage)}</td>
                    <td className="numeric">
                      {words.scoreOf(formatNumber(result.score), formatNumber(result.maxScore))}
                    </td>
                    <td>{formatDate(result.createdAt)}</td>
                    <td>{names.get(result.teacherId) ?? words.unknownTeacher}</td>
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
            isBusy={results.isPlaceholderData}
          />
        </div>
      ) : null}
    </section>
  );
}

interface ResultValues {
  subject: string;
  stage: string;
  series: string;
  score: string;
  maxScore: string;
  teacherId: string;
}

const fieldOrder = ['subject', 'stage', 'series', 'score', 'maxScore', 'teacherId'];
const prefix = 'result';

/** The body to send, or the problems to show, by the API's own schema and the site's stages. */
export function checkResult(
  site: ProgressionSite,
  learnerId: string,
  values: ResultValues,
  chooseTeacher: boolean,
):
  | {
      body: NonNullable<ReturnType<typeof ResultBodySchema.safeParse>['data']>;
      problems?: undefined;
    }
  | { problems: FieldProblem[] } {
  const words = t.sites.learner.errors;
  const number = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
  const { from, to } = stagesOf[site];
  const stage = number(values.stage);
  const parsed = ResultBodySchema.safeParse({
    learnerId,
    subject: values.subject || undefined,
    stage,
    series: values.series,
    score: number(values.score),
    maxScore: number(values.maxScore),
    ...(chooseTeacher ? { teacherId: values.teacherId || undefined } : {}),
  });
  const messages = new Map<string, string>();
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      if (messages.has(field)) continue;
      if (field === 'subject') messages.set(field, words.subject);
      else if (field === 'series')
        messages.set(
          field,
          !values.series.trim()
            ? words.series
            : issue.code === 'too_big'
              ? words.seriesTooLong
              : words.seriesCharacters,
        );
      else if (field === 'score')
        messages.set(field, issue.code === 'custom' ? words.scoreTooHigh : words.score);
      else if (field === 'maxScore') messages.set(field, words.maxScore);
      else if (field === 'teacherId') messages.set(field, words.teacher);
    }
  if (!Number.isInteger(stage) || stage < from || stage > to)
    messages.set('stage', words.stage(formatNumber(from), formatNumber(to)));
  if (chooseTeacher && !values.teacherId) messages.set('teacherId', words.teacher);
  const problems = fieldOrder
    .filter((field) => messages.has(field))
    .map((field) => ({ fieldId: `${prefix}-${field}`, message: messages.get(field) ?? '' }));
  if (problems.length || !parsed.success) return { problems };
  return { body: parsed.data };
}

function RecordResult({
  centreId,
  site,
  learner,
  teachers,
  onRecorded,
}: {
  centreId: string;
  site: ProgressionSite;
  learner: Learner;
  /** The site's teachers a coordinator chooses the owner from; null for a teacher. */
  teachers: SiteTeacher[] | null;
  onRecorded(subject: Subject, series: string): void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { me } = useSession();
  const owners = (teachers ?? []).filter((teacher) => teacher.status !== 'suspended');
  const empty: ResultValues = {
    subject: '',
    stage: String(learner.stage),
    series: '',
    score: '',
    maxScore: '',
    teacherId: '',
  };
  const [values, setValues] = useState<ResultValues>(empty);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const words = t.sites.learner;
  const chooseTeacher = teachers !== null;
  // A coordinator who teaches on the site is offered first.
  const teacherId =
    values.teacherId ||
    (owners.some((owner) => owner.userId === me?.userId) ? (me?.userId ?? '') : '');
  const shown = { ...values, teacherId };

  const record = useMutation({
    mutationFn: async (
      body: NonNullable<ReturnType<typeof ResultBodySchema.safeParse>['data']>,
    ) => {
      const json = JSON.stringify(body);
      if (attempt.current?.body !== json)
        attempt.current = { key: newIdempotencyKey(), body: json };
      return unwrap(
        await api.POST('/centres/{centreId}/sites/{site}/progression-tests', {
          params: { path: { centreId, site }, header: { 'Idempotency-Key': attempt.current.key } },
          body,
        }),
      );
    },
    onSuccess: (result) => {
      attempt.current = null;
      setValues(empty);
      onRecorded(result.subject, result.series);
      void queryClient.invalidateQueries({
        queryKey: resultsKey(centreId, site, learner.learnerId),
      });
      // The owner's counts changed, on this site's Teachers tab and in My Centre.
      void queryClient.invalidateQueries({ queryKey: usersQueryKey(centreId) });
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.code === 'VALIDATION_FAILED') {
        const named = error.errors
          .map((fieldError) => fieldError.path.split('.')[0] ?? '')
          .filter((field) => fieldOrder.includes(field));
        setProblems(
          named.length
            ? named.map((field) => ({
                fieldId: `${prefix}-${field}`,
                message: problemWords(error),
              }))
            : [],
        );
      }
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.reset();
    const checked = checkResult(site, learner.learnerId, shown, chooseTeacher);
    if (checked.problems) {
      setProblems(checked.problems);
      return;
    }
    setProblems([]);
    record.mutate(checked.body);
  };
  const errorFor = (field: string) =>
    problems.find((problem) => problem.fieldId === `${prefix}-${field}`)?.message;
  const set = (field: keyof ResultValues) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));

  return (
    <section className="panel site-panel site-form-panel" aria-labelledby="record-heading">
      <h2 id="record-heading">{words.recordHeading}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorSummary problems={problems} title={t.common.thereIsAProblem} />
        {record.isError && !problems.length ? (
          <div className="notice error" role="alert">
            <p>{problemWords(record.error)}</p>
          </div>
        ) : null}
        <SelectField
          id={`${prefix}-subject`}
          label={words.subject}
          value={values.subject}
          onChange={set('subject')}
          placeholder={words.chooseSubject}
          options={subjects.map((subject) => [subject, t.sites.subjects[subject]] as const)}
          error={errorFor('subject')}
        />
        <SelectField
          id={`${prefix}-stage`}
          label={t.sites.learners.stage}
          value={values.stage}
          onChange={set('stage')}
          options={stageList(site).map(
            (stage) => [String(stage), t.sites.learners.stageOption(formatNumber(stage))] as const,
          )}
          error={errorFor('stage')}
        />
        <TextField
          id={`${prefix}-series`}
          label={words.series}
          hint={words.seriesHint}
          autoComplete="off"
          value={values.series}
          onChange={set('series')}
          error={errorFor('series')}
        />
        <div className="site-score-row">
          <TextField
            id={`${prefix}-score`}
            label={words.score}
            inputMode="numeric"
            autoComplete="off"
            value={values.score}
            onChange={set('score')}
            error={errorFor('score')}
          />
          <TextField
            id={`${prefix}-maxScore`}
            label={words.maxScore}
            inputMode="numeric"
            autoComplete="off"
            value={values.maxScore}
            onChange={set('maxScore')}
            error={errorFor('maxScore')}
          />
        </div>
        {chooseTeacher ? (
          <SelectField
            id={`${prefix}-teacherId`}
            label={words.teacher}
            hint={words.teacherHint}
            value={teacherId}
            onChange={set('teacherId')}
            placeholder={words.chooseTeacher}
            options={owners.map((owner) => [owner.userId, owner.name] as const)}
            error={errorFor('teacherId')}
          />
        ) : (
          <p className="hint">{words.ownResult}</p>
        )}
        <div>
          <button type="submit" className="button" disabled={record.isPending}>
            {record.isPending ? words.recording : words.record}
          </button>
        </div>
      </form>
    </section>
  );
}
