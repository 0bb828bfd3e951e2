/**
 * A teacher's page on a support site (coordinators and support): their details, a link to
 * their page in the School Support Hub, `Transfer data`, and at the bottom `Delete`.
 *
 * `Delete` follows the guide's steps on this page, with the same API calls as My Centre's
 * user page: the system checks their Progression Test data (and leads to Transfer data when
 * there is some), then `Suspend user` and `Yes`, then `Delete` and `Yes`. The deletion is a
 * workflow on the server, followed until it ends.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { Link, useParams } from 'wouter';
import { unwrap } from '../../api/client';
import { ApiProblem, isProblem, problemWords } from '../../api/problem';
import { Page } from '../../app/page';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorState, LoadingState } from '../../components/states';
import { formatList, plural, t } from '../../i18n';
import { useApi, useSession } from '../../session/session';
import { DeletionProgress } from '../my-centre/DeletionProgress';
import {
  type ProgressionData,
  progressionDataQueryKey,
  type User,
  useProgressionData,
  userQueryKey,
  usersChanged,
  useUser,
} from '../my-centre/user-detail';
import { userPath } from '../my-centre/users';
import { BreakableEmail, Refusal, SiteTabs } from './parts';
import {
  type ProgressionSite,
  progressionSites,
  siteName,
  teachersPath,
  useCanManage,
  useSiteParams,
} from './site';
import { TransferData } from './TransferData';

export default function TeacherPage() {
  const { userId = '' } = useParams<{ userId: string }>();
  const canManage = useCanManage();
  if (!canManage)
    return (
      <Refusal title={t.sites.refusal.coordinatorsOnlyTitle}>
        <p>{t.sites.refusal.coordinatorsOnly}</p>
      </Refusal>
    );
  // A fresh page per teacher: nothing (a transfer under way, a step of the deletion) carries over.
  return <TeacherPageOf key={userId} userId={userId} />;
}

function TeacherPageOf({ userId }: { userId: string }) {
  const { centreId, site } = useSiteParams();
  const [deletion, setDeletion] = useState<{ operationId: string; name: string } | null>(null);
  // Once the deletion starts the teacher is going: asking for them again would only find a 404.
  const user = useUser(centreId, userId, !deletion);
  const counts = useProgressionData(centreId, userId, !deletion);

  if (deletion)
    return (
      <DeletionProgress
        centreId={centreId}
        userId={userId}
        operationId={deletion.operationId}
        name={deletion.name}
        before={<SiteTabs centreId={centreId} site={site} />}
        className="panel site-panel"
        back={<Link href={teachersPath(centreId, site)}>{t.sites.teacher.backToTeachers}</Link>}
      />
    );
  if (user.isPending || counts.isPending) return <LoadingState label={t.sites.teacher.loading} />;
  if (user.isError && isProblem(user.error, 'NOT_FOUND'))
    return (
      <Refusal title={t.sites.teacher.notFoundTitle}>
        <p>{t.sites.teacher.notFound}</p>
        <p>
          <Link href={teachersPath(centreId, site)}>{t.sites.teacher.backToTeachers}</Link>
        </p>
      </Refusal>
    );
  if (user.isError || counts.isError)
    return (
      <Page title={t.sites.heading(siteName(site))}>
        <ErrorState
          error={user.error ?? counts.error}
          retry={() => {
            void user.refetch();
            void counts.refetch();
          }}
        />
      </Page>
    );
  return (
    <TeacherDetails
      centreId={centreId}
      site={site}
      user={user.data}
      counts={counts.data}
      onDeleting={setDeletion}
    />
  );
}

function TeacherDetails({
  centreId,
  site,
  user,
  counts,
  onDeleting,
}: {
  centreId: string;
  site: ProgressionSite;
  user: User;
  counts: ProgressionData;
  onDeleting(deletion: { operationId: string; name: string }): void;
}) {
  const { name } = user;
  const transferRef = useRef<HTMLElement>(null);
  const [transferShown, setTransferShown] = useState(counts.total > 0);
  // Once shown (data to move), the section stays to tell how the transfer ended.
  useEffect(() => {
    if (counts.total > 0) setTransferShown(true);
  }, [counts.total]);
  // A link to `…#transfer-data` (the guide's "select 'transfer data'" from the School Support
  // Hub) lands on the section itself.
  useEffect(() => {
    if (window.location.hash === '#transfer-data') transferRef.current?.focus();
  }, []);
  const words = t.sites.teacher;

  return (
    <Page title={words.title(name, siteName(site))} heading={name}>
      <SiteTabs centreId={centreId} site={site} />
      <p className="site-back">
        <Link href={teachersPath(centreId, site)}>{words.backToTeachers}</Link>
      </p>
      <div className="site-teacher">
        {user.sites.includes(site) ? null : (
          <div className="notice warning">
            <p>{words.notOnSite(name, siteName(site))}</p>
          </div>
        )}
        <section className="panel site-panel" aria-labelledby="details-heading">
          <h2 id="details-heading">{words.detailsHeading}</h2>
          <dl className="details">
            <dt>{words.name}</dt>
            <dd>
              {name}
              <p className="hint">{words.nameHint}</p>
            </dd>
            <dt>{words.email}</dt>
            <dd>
              <BreakableEmail email={user.email} />
            </dd>
            <dt>{words.status}</dt>
            <dd>
              <span className={`badge ${user.status}`}>{t.sites.statuses[user.status]}</span>
            </dd>
            <dt>{words.role}</dt>
            <dd>{user.isAdmin ? words.roles.admin : words.roles.teacher}</dd>
            <dt>{words.sites}</dt>
            <dd>
              {formatList(
                progressionSites
                  .filter((held) => user.sites.includes(held))
                  .map((held) => siteName(held)),
              ) || words.noSites}
            </dd>
          </dl>
          <h3>{words.dataHeading}</h3>
          <dl className="details">
            {progressionSites.map((held) => (
              <ProgressionCount key={held} label={siteName(held)} count={counts[held]} />
            ))}
            <ProgressionCount label={words.total} count={counts.total} />
          </dl>
          <p className="site-my-centre">
            <Link href={userPath(centreId, user.userId)}>{words.myCentreLink(name)}</Link>
          </p>
          <p className="hint">{words.myCentreHint}</p>
        </section>

        {transferShown ? (
          <TransferData
            centreId={centreId}
            site={site}
            from={{ userId: user.userId, name }}
            counts={counts}
            sectionRef={transferRef}
          />
        ) : null}

        <Removal
          centreId={centreId}
          user={user}
          total={counts.total}
          onGoToTransfer={() => {
            setTransferShown(true);
            // After the section renders: move to it, so the next step is where focus is.
            setTimeout(() => transferRef.current?.focus(), 0);
          }}
          onDeleting={onDeleting}
        />
      </div>
    </Page>
  );
}

function ProgressionCount({ label, count }: { label: string; count: number }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{plural(count, t.sites.resultsForms)}</dd>
    </>
  );
}

type Step =
  | { kind: 'start' }
  | { kind: 'checking' }
  | { kind: 'has-data'; counts: ProgressionData }
  | { kind: 'suspend' }
  | { kind: 'delete'; justSuspended: boolean };
type Confirming = 'start' | 'suspend' | 'delete';

/** The counts a PROGRESSION_DATA_ATTACHED refusal carries. */
function countsIn(error: unknown): ProgressionData | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  const counts = (error.body as { progressionData?: ProgressionData } | undefined)?.progressionData;
  return counts && typeof counts.total === 'number' ? counts : undefined;
}

/** `Delete` at the bottom of the page, and the guide's steps it leads through. */
function Removal({
  centreId,
  user,
  total,
  onGoToTransfer,
  onDeleting,
}: {
  centreId: string;
  user: User;
  /** What the teacher holds now: once a transfer empties it, the flow starts again. */
  total: number;
  onGoToTransfer(): void;
  onDeleting(deletion: { operationId: string; name: string }): void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { me } = useSession();
  const { userId, name } = user;
  const path = { params: { path: { centreId, userId } } };
  const [step, setStep] = useState<Step>({ kind: 'start' });
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const stepRef = useRef<HTMLDivElement>(null);
  const words = t.sites.removal;

  // Each new step takes focus, so a keyboard or screen-reader user is where the page now is.
  useEffect(() => {
    if (step.kind !== 'start') stepRef.current?.focus();
  }, [step]);

  useEffect(() => {
    if (total === 0)
      setStep((current) => (current.kind === 'has-data' ? { kind: 'start' } : current));
  }, [total]);

  /** Where the flow goes once the data is known: transfer first, else suspend, else delete. */
  const next = (counts: ProgressionData, status: User['status']): Step =>
    counts.total > 0
      ? { kind: 'has-data', counts }
      : status === 'suspended'
        ? { kind: 'delete', justSuspended: false }
        : { kind: 'suspend' };

  const failed = (error: unknown) => {
    const counts = countsIn(error);
    if (counts) {
      queryClient.setQueryData(progressionDataQueryKey(centreId, userId), counts);
      setStep({ kind: 'has-data', counts });
    }
    // Someone else may have changed the user meanwhile: show them as they are.
    if (isProblem(error, 'USER_NOT_SUSPENDED') || isProblem(error, 'CONFLICT'))
      void queryClient.invalidateQueries({ queryKey: userQueryKey(centreId, userId) });
  };

  const check = useMutation({
    mutationFn: async () =>
      unwrap(await api.GET('/centres/{centreId}/users/{userId}/progression-data', path)),
    onMutate: () => setStep({ kind: 'checking' }),
    onSuccess: (counts) => {
      queryClient.setQueryData(progressionDataQueryKey(centreId, userId), counts);
      setStep(next(counts, user.status));
    },
    onError: () => setStep({ kind: 'start' }),
  });
  const suspend = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/centres/{centreId}/users/{userId}/suspend', path)),
    onSuccess: (answer) => {
      queryClient.setQueryData(progressionDataQueryKey(centreId, userId), answer.progressionData);
      queryClient.setQueryData(userQueryKey(centreId, userId), answer.user);
      void usersChanged(queryClient, centreId, userId);
      const after = next(answer.progressionData, answer.user.status);
      setStep(after.kind === 'delete' ? { kind: 'delete', justSuspended: true } : after);
    },
    onError: failed,
    onSettled: () => setConfirming(null),
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/centres/{centreId}/users/{userId}', path)),
    onSuccess: (answer) => onDeleting({ operationId: answer.operationId, name }),
    onError: failed,
    onSettled: () => setConfirming(null),
  });
  const error = check.error ?? suspend.error ?? remove.error;
  const reset = () => {
    check.reset();
    suspend.reset();
    remove.reset();
  };

  const dialogs: Record<
    Confirming,
    { title: string; body: ReactNode; confirm: string; run(): void; pending: boolean }
  > = {
    start: {
      title: words.confirmTitle(name),
      body: <p>{words.confirmBody(name)}</p>,
      confirm: t.common.ok,
      run: () => {
        setConfirming(null);
        check.mutate();
      },
      pending: false,
    },
    suspend: {
      title: words.suspendTitle(name),
      body: <p>{words.suspendBody(name)}</p>,
      confirm: t.common.yes,
      run: () => suspend.mutate(),
      pending: suspend.isPending,
    },
    delete: {
      title: words.deleteTitle(name),
      body: <p>{words.deleteBody(name)}</p>,
      confirm: t.common.yes,
      run: () => remove.mutate(),
      pending: remove.isPending,
    },
  };
  const dialog = confirming ? dialogs[confirming] : null;
  const open = (which: Confirming) => {
    reset();
    setConfirming(which);
  };

  return (
    <section className="panel site-panel removal-section" aria-labelledby="removal-heading">
      <h2 id="removal-heading">{words.heading}</h2>
      {me?.userId === userId ? (
        <p>{words.self}</p>
      ) : (
        <>
          <div ref={stepRef} tabIndex={-1} className="removal-step">
            {step.kind === 'start' ? (
              <p>{words.intro(name)}</p>
            ) : step.kind === 'checking' ? (
              <LoadingState label={words.checking(name)} />
            ) : step.kind === 'has-data' ? (
              <div className="notice warning">
                <p>
                  {words.hasData(name, plural(step.counts.total, t.sites.resultsForms))}{' '}
                  <button type="button" className="link-button" onClick={onGoToTransfer}>
                    {words.goToTransfer}
                  </button>
                </p>
              </div>
            ) : step.kind === 'suspend' ? (
              <p>{words.suspendFirst(name)}</p>
            ) : (
              <>
                {step.justSuspended ? (
                  <p className="notice success">{words.suspended(name)}</p>
                ) : null}
                <p>{words.readyToDelete(name)}</p>
              </>
            )}
          </div>
          {error ? (
            countsIn(error) ? null : (
              <div className="notice error" role="alert">
                <p>{problemWords(error)}</p>
              </div>
            )
          ) : null}
          <div className="button-row">
            {step.kind === 'start' || step.kind === 'has-data' ? (
              <Button className="button danger" onPress={() => open('start')}>
                {words.delete}
              </Button>
            ) : step.kind === 'suspend' ? (
              <Button className="button danger" onPress={() => open('suspend')}>
                {words.suspendUser}
              </Button>
            ) : step.kind === 'delete' ? (
              <Button className="button danger" onPress={() => open('delete')}>
                {words.delete}
              </Button>
            ) : null}
          </div>
        </>
      )}
      <ConfirmDialog
        isOpen={dialog !== null}
        onOpenChange={(isOpen) => {
          if (!isOpen) setConfirming(null);
        }}
        title={dialog?.title ?? ''}
        confirmLabel={dialog?.confirm}
        cancelLabel={t.common.cancel}
        onConfirm={() => dialog?.run()}
        isPending={dialog?.pending}
        danger
      >
        {dialog?.body}
      </ConfirmDialog>
    </section>
  );
}
