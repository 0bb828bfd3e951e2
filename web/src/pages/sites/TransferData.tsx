/**
 * The `Transfer data` section of a teacher's page, as the guide walks through it: `Select a
 * teacher to transfer data to` opens a searchable list of the teachers who can receive the
 * data, `Select`, then `Transfer data` and `Ok`. The transfer is a workflow on the server:
 * the page follows the operation until it ends and says how many results moved.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Ref, useEffect, useRef, useState } from 'react';
import {
  Button,
  Dialog,
  Heading,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  ModalOverlay,
  SearchField,
  Text,
} from 'react-aria-components';
import { unwrap } from '../../api/client';
import { firstFilledPage } from '../../api/paging';
import { problemWords } from '../../api/problem';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { LoadingState } from '../../components/states';
import { formatList, plural, t } from '../../i18n';
import { useApi } from '../../session/session';
import { useOperation } from '../my-centre/user-detail';
import { usersQueryKey } from '../my-centre/users';
import { BreakableEmail } from './parts';
import {
  newIdempotencyKey,
  type ProgressionData,
  type ProgressionSite,
  progressionSites,
  type SiteTeacher,
  siteName,
  siteTeachersKey,
} from './site';

export interface TransferFrom {
  userId: string;
  name: string;
}

/** Where a result-count sentence names each site that holds data: "Primary: 3". */
export const countsWhere = (counts: ProgressionData) =>
  formatList(
    progressionSites
      .filter((site) => counts[site] > 0)
      .map((site) => `${siteName(site)}: ${plural(counts[site], t.sites.resultsForms)}`),
  );

export function TransferData({
  centreId,
  site,
  from,
  counts,
  sectionRef,
}: {
  centreId: string;
  site: ProgressionSite;
  from: TransferFrom;
  counts: ProgressionData;
  sectionRef: Ref<HTMLElement>;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [pickerOpen, setPickerOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [chosen, setChosen] = useState<SiteTeacher | null>(null);
  const [transfer, setTransfer] = useState<{ operationId: string; to: SiteTeacher } | null>(null);
  const key = useRef<{ key: string; toUserId: string } | null>(null);
  const operation = useOperation(centreId, transfer?.operationId);
  const status = transfer ? (operation.data?.status ?? 'running') : undefined;
  const moved = operation.data?.moved ?? 0;

  const start = useMutation({
    mutationFn: async (to: SiteTeacher) => {
      // One key per receiving teacher: a retry of the same choice is the same transfer.
      if (key.current?.toUserId !== to.userId)
        key.current = { key: newIdempotencyKey(), toUserId: to.userId };
      return unwrap(
        await api.POST('/centres/{centreId}/users/{userId}/transfer', {
          params: {
            path: { centreId, userId: from.userId },
            header: { 'Idempotency-Key': key.current.key },
          },
          body: { toUserId: to.userId },
        }),
      );
    },
    onSuccess: (answer, to) => {
      key.current = null;
      setTransfer({ operationId: answer.operationId, to });
      setChosen(null);
    },
    onSettled: () => setConfirming(false),
  });

  // The button that started it is gone while it runs: focus goes to the progress instead.
  const progressRef = useRef<HTMLDivElement>(null);
  const operationId = transfer?.operationId;
  useEffect(() => {
    if (operationId) progressRef.current?.focus();
  }, [operationId]);

  // When the workflow ends, every count of both teachers (here and in My Centre) is stale.
  useEffect(() => {
    if (!status || status === 'running') return;
    void queryClient.invalidateQueries({ queryKey: usersQueryKey(centreId) });
  }, [status, queryClient, centreId]);

  const running = status === 'running' || start.isPending;
  const toName = transfer?.to.name ?? '';

  return (
    <section
      id="transfer-data"
      ref={sectionRef}
      tabIndex={-1}
      className="panel site-panel transfer-section"
      aria-labelledby="transfer-heading"
    >
      <h2 id="transfer-heading">{t.sites.transfer.heading}</h2>
      {counts.total > 0 ? (
        <p>
          {t.sites.transfer.holds(
            from.name,
            plural(counts.total, t.sites.resultsForms),
            countsWhere(counts),
          )}{' '}
          {t.sites.transfer.rule}
        </p>
      ) : null}

      <div ref={progressRef} tabIndex={-1} className="transfer-progress-area">
        {status === 'running' ? (
          <div className="field transfer-progress">
            <label htmlFor="transfer-progress">{t.sites.transfer.progressLabel}</label>
            <progress id="transfer-progress" className="progress" />
          </div>
        ) : null}
        <div role="status" className="transfer-status">
          {status === 'running' ? (
            <p>{t.sites.transfer.running(from.name, toName)}</p>
          ) : status === 'succeeded' ? (
            <p className="notice success">
              {t.sites.transfer.done(plural(moved, t.sites.transfer.moved), toName)}
              {counts.total === 0 ? ` ${t.sites.transfer.deleteNext(from.name)}` : ''}
            </p>
          ) : null}
        </div>
      </div>
      {status === 'failed' || status === 'needs_transfer' ? (
        <div className="notice error" role="alert">
          <p>{t.sites.transfer.failed(plural(moved, t.sites.transfer.moved))}</p>
        </div>
      ) : null}
      {operation.isError ? (
        <div className="notice error" role="alert">
          <p>{problemWords(operation.error)}</p>
        </div>
      ) : null}
      {start.isError ? (
        <div className="notice error" role="alert">
          <p>{problemWords(start.error)}</p>
        </div>
      ) : null}

      {counts.total > 0 && !running ? (
        <>
          {chosen ? (
            <dl className="details transfer-chosen">
              <dt>{t.sites.transfer.chosen}</dt>
              <dd>
                {chosen.name} (<BreakableEmail email={chosen.email} />)
              </dd>
            </dl>
          ) : null}
          <div className="button-row">
            <Button
              className={chosen ? 'button secondary' : 'button'}
              onPress={() => {
                start.reset();
                setPickerOpen(true);
              }}
            >
              {chosen ? t.sites.transfer.changeTeacher : t.sites.transfer.selectTeacher}
            </Button>
            {chosen ? (
              <Button className="button" onPress={() => setConfirming(true)}>
                {t.sites.transfer.transferData}
              </Button>
            ) : null}
          </div>
        </>
      ) : null}

      {pickerOpen ? (
        <TransferPicker
          centreId={centreId}
          site={site}
          from={from}
          counts={counts}
          initial={chosen}
          onClose={() => setPickerOpen(false)}
          onSelect={(teacher) => {
            setChosen(teacher);
            setPickerOpen(false);
          }}
        />
      ) : null}
      <ConfirmDialog
        isOpen={confirming}
        onOpenChange={(open) => {
          if (!open) setConfirming(false);
        }}
        title={t.sites.transfer.confirmTitle}
        confirmLabel={t.common.ok}
        cancelLabel={t.common.cancel}
        isPending={start.isPending}
        onConfirm={() => chosen && start.mutate(chosen)}
      >
        <p>
          {t.sites.transfer.confirmBody(
            plural(counts.total, t.sites.resultsForms),
            from.name,
            chosen?.name ?? '',
          )}
        </p>
      </ConfirmDialog>
    </section>
  );
}

/**
 * The teachers who can receive the data: active (the API's `status` filter), with access to
 * the site (and to every other site that holds some of it), and not the teacher it comes
 * from; `q` is the API's search on any part of the name or email.
 */
function useCandidates(
  centreId: string,
  site: ProgressionSite,
  from: TransferFrom,
  counts: ProgressionData,
  q: string,
) {
  const api = useApi();
  const needed = progressionSites.filter((held) => counts[held] > 0);
  return useQuery({
    queryKey: [...siteTeachersKey(centreId, site), 'candidates', from.userId, { q }],
    queryFn: async () => {
      const answer = await firstFilledPage(
        async (cursor) =>
          unwrap(
            await api.GET('/centres/{centreId}/sites/{site}/teachers', {
              params: {
                path: { centreId, site },
                query: { status: 'active', limit: candidateLimit, cursor, ...(q ? { q } : {}) },
              },
            }),
          ),
        undefined,
      );
      return {
        items: answer.items.filter(
          (teacher) =>
            teacher.status === 'active' &&
            teacher.userId !== from.userId &&
            teacher.sites.includes(site) &&
            needed.every((held) => teacher.sites.includes(held)),
        ),
        more: Boolean(answer.nextCursor),
      };
    },
    // While a new search runs, the list stays rather than flashing away.
    placeholderData: keepPreviousData,
  });
}

/** The first this-many matches are offered; more are found by typing more of the name. */
const candidateLimit = 50;

/** The value, once it has stopped changing for `ms` (a search per pause, not per key). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function TransferPicker({
  centreId,
  site,
  from,
  counts,
  initial,
  onClose,
  onSelect,
}: {
  centreId: string;
  site: ProgressionSite;
  from: TransferFrom;
  counts: ProgressionData;
  initial: SiteTeacher | null;
  onClose(): void;
  onSelect(teacher: SiteTeacher): void;
}) {
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string | null>(initial?.userId ?? null);
  const [problem, setProblem] = useState<string | null>(null);
  const q = useSettled(search.trim().slice(0, 100), 250);
  const candidates = useCandidates(centreId, site, from, counts, q);
  const shown = candidates.data?.items ?? [];
  // With no search, an empty list means nobody at all can receive the data.
  const nobody = !q && !candidates.isPlaceholderData && shown.length === 0;

  const choose = () => {
    const teacher = shown.find((candidate) => candidate.userId === selected);
    if (!teacher) {
      setProblem(t.sites.transfer.chooseFirst);
      return;
    }
    onSelect(teacher);
  };

  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen
      isDismissable
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Modal className="modal picker-modal">
        <Dialog className="dialog picker-dialog">
          <Heading slot="title">{t.sites.transfer.dialogTitle}</Heading>
          <SearchField
            className="field"
            value={search}
            onChange={(value) => {
              setSearch(value);
              setProblem(null);
            }}
            autoFocus
          >
            <Label>{t.sites.transfer.search}</Label>
            <Text slot="description" className="hint">
              {t.sites.transfer.searchHint}
            </Text>
            <Input className="input" />
          </SearchField>

          {candidates.isPending ? (
            <LoadingState label={t.sites.transfer.loadingCandidates} />
          ) : candidates.isError ? (
            <div className="notice error" role="alert">
              <p>{problemWords(candidates.error)}</p>
            </div>
          ) : (
            <>
              <p className="visually-hidden" aria-live="polite">
                {candidates.isPlaceholderData
                  ? t.sites.transfer.loadingCandidates
                  : nobody
                    ? t.sites.transfer.noCandidates
                    : shown.length === 0
                      ? t.sites.transfer.noMatches
                      : plural(shown.length, t.sites.transfer.matches)}
              </p>
              {nobody ? (
                <p className="state state-empty">{t.sites.transfer.noCandidates}</p>
              ) : (
                <ListBox
                  className="picker-list"
                  aria-label={t.sites.transfer.candidates}
                  aria-describedby={problem ? 'picker-problem' : undefined}
                  selectionMode="single"
                  selectedKeys={selected ? [selected] : []}
                  onSelectionChange={(keys) => {
                    const [key] = keys === 'all' ? [] : [...keys];
                    setSelected(key === undefined ? null : String(key));
                    setProblem(null);
                  }}
                  items={shown}
                  renderEmptyState={() => (
                    <p className="picker-empty">{t.sites.transfer.noMatches}</p>
                  )}
                >
                  {(teacher) => (
                    <ListBoxItem
                      id={teacher.userId}
                      textValue={teacher.name}
                      className="picker-item"
                    >
                      <span className="picker-name">{teacher.name}</span>{' '}
                      <span className="picker-email">{teacher.email}</span>
                    </ListBoxItem>
                  )}
                </ListBox>
              )}
              {candidates.data.more ? <p className="hint">{t.sites.transfer.moreMatches}</p> : null}
            </>
          )}
          {problem ? (
            <p className="field-error" id="picker-problem" role="alert">
              {problem}
            </p>
          ) : null}
          <div className="dialog-actions">
            <Button className="button secondary" onPress={onClose}>
              {t.sites.transfer.cancel}
            </Button>
            <Button className="button" onPress={choose}>
              {t.sites.transfer.select}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
