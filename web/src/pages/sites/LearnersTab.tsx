/**
 * The `Learners` tab: the site's learners (name, stage, class), paged; add one, edit one,
 * remove one (a learner with Progression Test results stays, and the page says why). A
 * learner's name opens their results.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Link } from 'wouter';
import { unwrap } from '../../api/client';
import { ApiProblem, isProblem, problemWords } from '../../api/problem';
import { Page } from '../../app/page';
import { ConfirmDialog } from '../../components/ConfirmDialog';
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
import { BinIcon, FocusedNotice, PencilIcon, SitePager, SiteTabs, useCursors } from './parts';
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
  const [failure, setFailure] = useState<string | null>(null);
  const [editing, setEditing] = useState<Learner | null>(null);
  const [removing, setRemoving] = useState<Learner | null>(null);
  const name = siteName(site);
  const changed = () => queryClient.invalidateQueries({ queryKey: learnersKey(centreId, site) });

  const remove = useMutation({
    mutationFn: async (learner: Learner) => {
      unwrap(
        await api.DELETE('/centres/{centreId}/sites/{site}/learners/{learnerId}', {
          params: { path: { centreId, site, learnerId: learner.learnerId } },
        }),
      );
      return learner;
    },
    onSuccess: (learner) => {
      setNotice(t.sites.learners.removed(learner.name));
      queryClient.removeQueries({ queryKey: learnerKey(centreId, site, learner.learnerId) });
      // The page may now be empty: start again from the first.
      if (page?.items.length === 1) pages.previous();
      return changed();
    },
    onError: (error, learner) =>
      setFailure(
        isProblem(error, 'LEARNER_HAS_RESULTS')
          ? t.sites.learners.hasResults(learner.name)
          : problemWords(error),
      ),
    onSettled: () => setRemoving(null),
  });

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
      {failure ? (
        <div className="notice error" role="alert">
          <p>{failure}</p>
        </div>
      ) : null}
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
                  <th scope="col">
                    <span className="visually-hidden">{words.actions}</span>
                  </th>
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
                    <td className="site-actions">
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={words.edit(learner.name)}
                        title={words.edit(learner.name)}
                        onClick={() => {
                          setNotice(null);
                          setFailure(null);
                          setEditing(learner);
                        }}
                      >
                        <PencilIcon />
                      </button>
                      <button
                        type="button"
                        className="icon-button danger"
                        aria-label={words.remove(learner.name)}
                        title={words.remove(learner.name)}
                        onClick={() => {
                          setNotice(null);
                          setFailure(null);
                          remove.reset();
                          setRemoving(learner);
                        }}
                      >
                        <BinIcon />
                      </button>
                    </td>
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

      {editing ? (
        <EditLearner
          centreId={centreId}
          site={site}
          learner={editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setNotice(saved ? t.sites.learners.saved(saved.name) : t.sites.learners.noChanges);
            if (saved) {
              queryClient.setQueryData(learnerKey(centreId, site, saved.learnerId), saved);
              return changed();
            }
          }}
        />
      ) : null}
      <ConfirmDialog
        isOpen={removing !== null}
        onOpenChange={(open) => {
          if (!open) setRemoving(null);
        }}
        title={t.sites.learners.removeTitle(removing?.name ?? '')}
        confirmLabel={t.common.ok}
        cancelLabel={t.common.cancel}
        danger
        isPending={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
      >
        <p>{t.sites.learners.removeBody(removing?.name ?? '')}</p>
      </ConfirmDialog>

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
        <ErrorSummary problems={problems} title={t.common.thereIsAProblem} />
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

/** A learner's name, stage and class, changed in a dialog; only what changed is sent. */
function EditLearner({
  centreId,
  site,
  learner,
  onClose,
  onSaved,
}: {
  centreId: string;
  site: ProgressionSite;
  learner: Learner;
  onClose(): void;
  /** The learner as saved, or null when nothing had changed. */
  onSaved(learner: Learner | null): void;
}) {
  const api = useApi();
  const [values, setValues] = useState<LearnerValues>({
    name: learner.name,
    stage: String(learner.stage),
    classGroup: learner.classGroup ?? '',
  });
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const words = t.sites.learners;
  const prefix = 'edit-learner';

  const save = useMutation({
    mutationFn: async (body: { name?: string; stage?: number; classGroup?: string | null }) =>
      unwrap(
        await api.PATCH('/centres/{centreId}/sites/{site}/learners/{learnerId}', {
          params: { path: { centreId, site, learnerId: learner.learnerId } },
          body,
        }),
      ),
    onSuccess: (saved) => onSaved(saved),
    onError: (error) => setProblems(learnerProblemsOf(error, site, values, prefix)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.reset();
    const checked = checkLearner(site, values, prefix);
    if (checked.problems) {
      setProblems(checked.problems);
      return;
    }
    setProblems([]);
    const { body } = checked;
    const changes: { name?: string; stage?: number; classGroup?: string | null } = {};
    if (body.name !== learner.name) changes.name = body.name;
    if (body.stage !== learner.stage) changes.stage = body.stage;
    if ((body.classGroup ?? null) !== (learner.classGroup ?? null))
      changes.classGroup = body.classGroup ?? null;
    if (Object.keys(changes).length === 0) {
      onSaved(null);
      return;
    }
    save.mutate(changes);
  };

  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen
      isDismissable={!save.isPending}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Modal className="modal">
        <Dialog className="dialog">
          <Heading slot="title">{words.editTitle(learner.name)}</Heading>
          <form className="form" onSubmit={submit} noValidate>
            <ErrorSummary problems={problems} title={t.common.thereIsAProblem} />
            {save.isError && !problems.length ? (
              <div className="notice error" role="alert">
                <p>{problemWords(save.error)}</p>
              </div>
            ) : null}
            <LearnerFields
              site={site}
              prefix={prefix}
              values={values}
              onChange={setValues}
              problems={problems}
            />
            <div className="dialog-actions">
              <Button className="button secondary" onPress={onClose} isDisabled={save.isPending}>
                {t.common.cancel}
              </Button>
              <Button type="submit" className="button" isDisabled={save.isPending}>
                {save.isPending ? words.saving : words.save}
              </Button>
            </div>
          </form>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
