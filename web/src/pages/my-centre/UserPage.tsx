/**
 * A user's page, as the guide describes it: the name (only the user can change it), the
 * email, admin rights and site ticks to edit, the password reset (or a fresh invitation for
 * someone who never signed in), and at the bottom Suspend, then Restore or Delete.
 *
 * Deleting is a workflow on the server: the API answers 202 with an operation, and the page
 * follows it until it ends. A user who holds Progression Test data cannot be deleted until
 * the data is transferred, and the page says so with the numbers.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'wouter';
import { unwrap } from '../../api/client';
import { ApiProblem, isProblem, problemWords } from '../../api/problem';
import { EmailSchema } from '../../api/schemas';
import { Avatar, pictureOf, userPicturePath } from '../../app/Avatar';
import { Page } from '../../app/page';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Checkbox, ErrorSummary, type FieldProblem, TextField } from '../../components/forms';
import { ErrorState, LoadingState } from '../../components/states';
import { formatDate, formatNumber, plural, t } from '../../i18n';
import { rich } from '../../i18n/rich';
import { useApi, useSession } from '../../session/session';
import { type Centre, siteNames, useCentre, useCentreId } from './centre';
import { DeletionProgress } from './DeletionProgress';
import {
  type ProgressionData,
  progressionDataQueryKey,
  type User,
  useProgressionData,
  userQueryKey,
  usersChanged,
  useUser,
} from './user-detail';
import { type Site, siteOrder, statusLabels } from './users';

const words = t.userPage;

export default function UserPage() {
  const { userId } = useParams<{ userId: string }>();
  // A fresh page per user: nothing (a deletion under way, a notice) carries over to another.
  return <UserPageOf key={userId} userId={userId ?? ''} />;
}

function UserPageOf({ userId }: { userId: string }) {
  const centreId = useCentreId();
  const centre = useCentre();
  const [deletion, setDeletion] = useState<{ operationId: string; name: string } | null>(null);
  // Once the deletion starts the user is going: asking for them again would only find a 404.
  const user = useUser(centreId, userId, !deletion);

  if (deletion)
    return (
      <DeletionProgress
        centreId={centreId}
        userId={userId}
        operationId={deletion.operationId}
        name={deletion.name}
        frame="user-page"
        className="panel deletion"
        back={<Link href={`/centres/${centreId}/users`}>{words.backToUsers}</Link>}
      />
    );
  if (user.isPending || centre.isPending) return <LoadingState label={words.loading} />;
  if (user.isError) {
    if (isProblem(user.error, 'NOT_FOUND')) return <UserNotFound centreId={centreId} />;
    return (
      <Page title={words.errorTitle}>
        <ErrorState error={user.error} retry={() => user.refetch()} />
      </Page>
    );
  }
  if (centre.isError)
    return (
      <Page title={user.data.name}>
        <ErrorState error={centre.error} retry={() => centre.refetch()} />
      </Page>
    );
  return <UserDetails user={user.data} centre={centre.data} onDeleting={setDeletion} />;
}

function UserNotFound({ centreId }: { centreId: string }) {
  return (
    <Page title={words.notFound.title}>
      <div className="state state-empty">
        <p>{words.notFound.body}</p>
        <p>
          <Link href={`/centres/${centreId}/users`}>{words.backToUsers}</Link>
        </p>
      </div>
    </Page>
  );
}

type Confirming = 'reset' | 'resend' | 'suspend' | 'restore' | 'delete' | 'twoStep';

function UserDetails({
  user,
  centre,
  onDeleting,
}: {
  user: User;
  centre: Centre;
  onDeleting(deletion: { operationId: string; name: string }): void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { me, isSupport } = useSession();
  const { centreId } = centre;
  const { userId, name } = user;
  const path = { params: { path: { centreId, userId } } };
  const isSelf = me?.userId === userId;
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [actionError, setActionError] = useState<{
    section: 'password' | 'removal';
    error: unknown;
  } | null>(null);
  const suspended = user.status === 'suspended';
  const progressionData = useProgressionData(centreId, userId, suspended);

  const start = () => {
    setNotice(null);
    setActionError(null);
  };
  const storeUser = (next: User) => {
    queryClient.setQueryData(userQueryKey(centreId, userId), next);
    void usersChanged(queryClient, centreId, userId);
  };
  const failed = (section: 'password' | 'removal') => (error: unknown) => {
    setActionError({ section, error });
    // Someone else may have changed the user meanwhile (restored, deleted): show them as they are.
    if (isProblem(error, 'USER_NOT_SUSPENDED') || isProblem(error, 'CONFLICT'))
      void queryClient.invalidateQueries({ queryKey: userQueryKey(centreId, userId) });
    if (isProblem(error, 'PROGRESSION_DATA_ATTACHED')) {
      const counts = progressionDataIn(error);
      if (counts) queryClient.setQueryData(progressionDataQueryKey(centreId, userId), counts);
    }
  };
  const settle = { onSettled: () => setConfirming(null) };

  const resetPassword = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/centres/{centreId}/users/{userId}/password-reset', path)),
    onMutate: start,
    onSuccess: () => setNotice(words.notices.resetSent(name)),
    onError: failed('password'),
    ...settle,
  });
  const resetTwoStep = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/support/centres/{centreId}/users/{userId}/mfa/reset', path)),
    onMutate: start,
    onSuccess: () => setNotice(words.notices.twoStepReset(name)),
    onError: failed('password'),
    ...settle,
  });
  const resendInvitation = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/centres/{centreId}/users/{userId}/invitation', path)),
    onMutate: start,
    onSuccess: () => setNotice(words.notices.invitationResent(name)),
    onError: failed('password'),
    ...settle,
  });
  const suspend = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/centres/{centreId}/users/{userId}/suspend', path)),
    onMutate: start,
    onSuccess: (answer) => {
      queryClient.setQueryData(progressionDataQueryKey(centreId, userId), answer.progressionData);
      storeUser(answer.user);
      setNotice(words.notices.suspended(name));
    },
    onError: failed('removal'),
    ...settle,
  });
  const restore = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/centres/{centreId}/users/{userId}/restore', path)),
    onMutate: start,
    onSuccess: (answer) => {
      storeUser(answer);
      setNotice(words.notices.restored(name));
    },
    onError: failed('removal'),
    ...settle,
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/centres/{centreId}/users/{userId}', path)),
    onMutate: start,
    onSuccess: (answer) => onDeleting({ operationId: answer.operationId, name }),
    onError: failed('removal'),
    ...settle,
  });

  const dialogs: Record<
    Confirming,
    { title: string; body: ReactNode; run: () => void; pending: boolean; danger?: boolean }
  > = {
    reset: {
      title: words.confirm.resetTitle(name),
      body: <p>{words.confirm.reset(name, user.email)}</p>,
      run: () => resetPassword.mutate(),
      pending: resetPassword.isPending,
    },
    twoStep: {
      title: words.confirm.twoStepTitle(name),
      body: <p>{words.confirm.twoStep(name)}</p>,
      run: () => resetTwoStep.mutate(),
      pending: resetTwoStep.isPending,
    },
    resend: {
      title: words.confirm.resendTitle(name),
      body: <p>{words.confirm.resend(name, user.email)}</p>,
      run: () => resendInvitation.mutate(),
      pending: resendInvitation.isPending,
    },
    suspend: {
      title: words.confirm.suspendTitle(name),
      body: <p>{words.confirm.suspend(name)}</p>,
      run: () => suspend.mutate(),
      pending: suspend.isPending,
      danger: true,
    },
    restore: {
      title: words.confirm.restoreTitle(name),
      body: <p>{words.confirm.restore(name)}</p>,
      run: () => restore.mutate(),
      pending: restore.isPending,
    },
    delete: {
      title: words.confirm.deleteTitle(name),
      body: <p>{words.confirm.delete(name)}</p>,
      run: () => remove.mutate(),
      pending: remove.isPending,
      danger: true,
    },
  };
  const dialog = confirming ? dialogs[confirming] : null;
  const errorIn = (section: 'password' | 'removal') =>
    actionError?.section === section ? <ActionError error={actionError.error} name={name} /> : null;

  return (
    <Page title={name}>
      <div className="user-page">
        <div className="user-picture">
          <Avatar
            name={name}
            picturePath={userPicturePath(centreId, userId)}
            size="large"
            label={pictureOf(name)}
          />
        </div>
        <div role="status" className="user-notice">
          {notice ? <p className="notice success">{notice}</p> : null}
        </div>
        {user.emailStatus ? (
          <div className="notice warning user-email-problem">
            <p>{words.emailProblem[user.emailStatus.problem](name, user.email)}</p>
            <p className="hint">{words.emailProblem.since(formatDate(user.emailStatus.at))}</p>
          </div>
        ) : null}

        <section className="panel" aria-labelledby="details-heading">
          <h2 id="details-heading">{words.details.heading}</h2>
          <EditForm
            summary={
              <dl className="details user-summary">
                <dt>{words.details.name}</dt>
                <dd>
                  {name}
                  <p className="hint">{words.details.nameHint}</p>
                </dd>
                <dt>{words.details.status}</dt>
                <dd>
                  <span className={`badge ${user.status}`}>{statusLabels[user.status]}</span>
                </dd>
              </dl>
            }
            user={user}
            eligibleSites={centre.eligibleSites}
            isSelf={isSelf}
            onStart={start}
            onSaved={(saved) => {
              storeUser(saved);
              setNotice(words.notices.saved(name));
            }}
            onNothingToSave={() => setNotice(words.notices.nothingToSave)}
          />
        </section>

        {suspended ? null : (
          <section className="panel" aria-labelledby="password-heading">
            {user.status === 'invited' ? (
              <>
                <h2 id="password-heading">{words.invitation.heading}</h2>
                <p>{words.invitation.body(name)}</p>
                {errorIn('password')}
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => setConfirming('resend')}
                >
                  {words.invitation.resend}
                </button>
              </>
            ) : (
              <>
                <h2 id="password-heading">{words.password.heading}</h2>
                <p>{words.password.body(name)}</p>
                {errorIn('password')}
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => setConfirming('reset')}
                >
                  {words.password.reset}
                </button>
                {isSupport && !isSelf ? (
                  <>
                    <p className="hint">{words.twoStep.hint}</p>
                    <button
                      type="button"
                      className="button secondary"
                      onClick={() => setConfirming('twoStep')}
                    >
                      {words.twoStep.turnOff}
                    </button>
                  </>
                ) : null}
              </>
            )}
          </section>
        )}

        <section className="panel" aria-labelledby="removal-heading">
          <h2 id="removal-heading">
            {suspended ? words.removal.restoreOrDeleteHeading : words.removal.suspendHeading}
          </h2>
          {isSelf ? (
            <p>{words.removal.self}</p>
          ) : suspended ? (
            <>
              <p>{words.removal.suspended(name)}</p>
              <ProgressionDataSummary
                name={name}
                query={progressionData}
                refused={isProblem(actionError?.error, 'PROGRESSION_DATA_ATTACHED')}
              />
              {errorIn('removal')}
              {/* The count changes the section's height: until it is known (or has failed) the
                  buttons are not offered, so none moves under a pointer about to press it (a
                  press and a release that land on different elements make no click). */}
              {progressionData.isPending ? null : (
                <div className="button-row">
                  <button
                    type="button"
                    className="button secondary"
                    onClick={() => setConfirming('restore')}
                  >
                    {words.removal.restore}
                  </button>
                  <button
                    type="button"
                    className="button danger"
                    onClick={() => setConfirming('delete')}
                  >
                    {words.removal.delete}
                  </button>
                </div>
              )}
            </>
          ) : (
            <>
              <p>{words.removal.suspendBody(name)}</p>
              {errorIn('removal')}
              <button
                type="button"
                className="button danger"
                onClick={() => setConfirming('suspend')}
              >
                {words.removal.suspend}
              </button>
            </>
          )}
        </section>

        <ConfirmDialog
          isOpen={dialog !== null}
          onOpenChange={(open) => {
            if (!open) setConfirming(null);
          }}
          title={dialog?.title ?? ''}
          onConfirm={() => dialog?.run()}
          isPending={dialog?.pending}
          danger={dialog?.danger}
        >
          {dialog?.body}
        </ConfirmDialog>
      </div>
    </Page>
  );
}

/** The counts a PROGRESSION_DATA_ATTACHED refusal carries. */
function progressionDataIn(error: unknown): ProgressionData | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  const counts = (error.body as { progressionData?: ProgressionData } | undefined)?.progressionData;
  return counts && typeof counts.total === 'number' ? counts : undefined;
}

function ActionError({ error, name }: { error: unknown; name: string }) {
  const counts = progressionDataIn(error);
  return (
    <div className="notice error action-error" role="alert">
      {counts ? (
        <p>
          {rich(
            words.progressionData.refused(
              name,
              results(counts.total),
              siteCount('primary', counts),
              siteCount('lower-secondary', counts),
            ),
            {
              transfer: <a href="#transfer-data">{words.progressionData.refusedTransferLink}</a>,
            },
          )}
        </p>
      ) : (
        <p>{problemWords(error)}</p>
      )}
    </div>
  );
}

const results = (count: number) => plural(count, words.progressionData.results);
/** "Cambridge Primary: 3" */
const siteCount = (site: 'primary' | 'lower-secondary', counts: ProgressionData) =>
  words.progressionData.siteCount(siteNames[site] ?? site, formatNumber(counts[site]));

function ProgressionDataSummary({
  name,
  query,
  refused,
}: {
  name: string;
  query: ReturnType<typeof useProgressionData>;
  refused: boolean;
}) {
  if (query.isPending) return <LoadingState label={words.progressionData.counting} />;
  if (query.isError) return <ErrorState error={query.error} retry={() => query.refetch()} />;
  const counts = query.data;
  return (
    <div className="progression-data">
      <h3>{words.progressionData.heading}</h3>
      <dl className="details">
        <dt>{siteNames.primary}</dt>
        <dd>{results(counts.primary)}</dd>
        <dt>{siteNames['lower-secondary']}</dt>
        <dd>{results(counts['lower-secondary'])}</dd>
        <dt>{words.progressionData.total}</dt>
        <dd>{results(counts.total)}</dd>
      </dl>
      {counts.total === 0 ? (
        <p>{words.progressionData.none(name)}</p>
      ) : (
        <>
          {refused ? null : (
            <div className="notice warning">
              <p>
                {rich(words.progressionData.mustTransfer(name), {
                  transfer: <a href="#transfer-data">{words.progressionData.transferLink}</a>,
                })}
              </p>
            </div>
          )}
          <TransferData name={name} counts={counts} />
        </>
      )}
    </div>
  );
}

/**
 * Where the transfer happens: as the guide says, the data is moved on the support site that
 * holds it, so each such site gets a `Transfer data` link to this teacher's page there.
 */
function TransferData({ name, counts }: { name: string; counts: ProgressionData }) {
  const centreId = useCentreId();
  const { userId } = useParams<{ userId: string }>();
  const sitesWithData = (['primary', 'lower-secondary'] as const).filter(
    (site) => counts[site] > 0,
  );
  return (
    <section
      id="transfer-data"
      className="transfer-data"
      tabIndex={-1}
      aria-labelledby="transfer-heading"
    >
      <h3 id="transfer-heading">{words.transfer.heading}</h3>
      <p>{words.transfer.where(name)}</p>
      <ul>
        {sitesWithData.map((site) => (
          <li key={site}>
            <Link href={`/centres/${centreId}/sites/${site}/teachers/${userId}#transfer-data`}>
              {words.transfer.onSite(siteNames[site] ?? site)}
            </Link>
          </li>
        ))}
      </ul>
      <p>{words.transfer.comeBack(name)}</p>
    </section>
  );
}

function EditForm({
  summary,
  user,
  eligibleSites,
  isSelf,
  onStart,
  onSaved,
  onNothingToSave,
}: {
  /** What is shown but not edited (name, status), under any error summary. */
  summary: ReactNode;
  user: User;
  eligibleSites: Site[];
  isSelf: boolean;
  onStart(): void;
  onSaved(user: User): void;
  onNothingToSave(): void;
}) {
  const api = useApi();
  const [email, setEmail] = useState(user.email);
  const [isAdmin, setIsAdmin] = useState(user.isAdmin);
  const [sites, setSites] = useState<Site[]>(user.sites);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  // Only sites the centre is eligible for are offered, in the guide's order.
  const offered = siteOrder.filter((site) => eligibleSites.includes(site));
  const firstSiteId = offered[0] ? `site-${offered[0]}` : 'admin-rights';

  const save = useMutation({
    mutationFn: async (body: { email?: string; isAdmin?: boolean; sites?: Site[] }) =>
      unwrap(
        await api.PATCH('/centres/{centreId}/users/{userId}', {
          params: { path: { centreId: user.centreId, userId: user.userId } },
          body,
        }),
      ),
    onMutate: () => {
      onStart();
      setProblems([]);
      setFailure(null);
    },
    onSuccess: (saved) => {
      setEmail(saved.email);
      setIsAdmin(saved.isAdmin);
      setSites(saved.sites);
      onSaved(saved);
    },
    onError: (error) => {
      const fieldProblems = problemsOf(error, firstSiteId);
      if (fieldProblems.length) setProblems(fieldProblems);
      else setFailure(error);
    },
  });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const parsed = EmailSchema.safeParse(email);
    if (!parsed.success) {
      setProblems([
        {
          fieldId: 'email',
          message: email.trim() ? words.details.emailFormat : words.details.enterEmail,
        },
      ]);
      return;
    }
    setProblems([]);
    const changes: { email?: string; isAdmin?: boolean; sites?: Site[] } = {};
    if (parsed.data !== user.email) changes.email = parsed.data;
    if (isAdmin !== user.isAdmin) changes.isAdmin = isAdmin;
    const chosen = offered.filter((site) => sites.includes(site));
    const held = [...user.sites].sort();
    if (JSON.stringify([...chosen].sort()) !== JSON.stringify(held)) changes.sites = chosen;
    if (Object.keys(changes).length === 0) {
      onStart();
      onNothingToSave();
      return;
    }
    save.mutate(changes);
  };

  const errorFor = (fieldId: string) =>
    problems.find((problem) => problem.fieldId === fieldId)?.message;
  const accessErrors = problems.filter((problem) => problem.fieldId !== 'email');

  return (
    <form className="form user-form" onSubmit={submit} noValidate>
      <ErrorSummary problems={problems} />
      {failure ? (
        <div className="notice error" role="alert">
          <p>{problemWords(failure)}</p>
        </div>
      ) : null}
      {summary}
      <TextField
        id="email"
        label={words.details.email}
        type="email"
        autoComplete="off"
        value={email}
        onChange={setEmail}
        error={errorFor('email')}
      />
      <fieldset
        className="fieldset"
        aria-describedby={accessErrors.length ? 'access-error' : undefined}
      >
        <legend>{words.details.access}</legend>
        {accessErrors.length ? (
          <p className="field-error" id="access-error">
            {accessErrors.map((problem) => problem.message).join(' ')}
          </p>
        ) : null}
        <Checkbox
          id="admin-rights"
          isSelected={isAdmin}
          onChange={setIsAdmin}
          isDisabled={isSelf && user.isAdmin}
        >
          {words.details.adminRights}
        </Checkbox>
        {isSelf && user.isAdmin ? <p className="hint">{words.details.ownAdminRights}</p> : null}
        {offered.map((site) => (
          <Checkbox
            key={site}
            id={`site-${site}`}
            isSelected={sites.includes(site)}
            onChange={(selected) =>
              setSites((current) =>
                selected ? [...current, site] : current.filter((held) => held !== site),
              )
            }
          >
            {siteNames[site]}
          </Checkbox>
        ))}
      </fieldset>
      <div>
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? t.common.saving : t.common.saveChanges}
        </button>
      </div>
    </form>
  );
}

/** The API's refusals that belong to one field, as the error summary lists them. */
function problemsOf(error: unknown, firstSiteId: string): FieldProblem[] {
  if (!(error instanceof ApiProblem)) return [];
  switch (error.code) {
    case 'EMAIL_TAKEN':
      return [{ fieldId: 'email', message: problemWords(error) }];
    case 'LAST_ADMIN':
    case 'CANNOT_MODIFY_SELF':
      return [{ fieldId: 'admin-rights', message: problemWords(error) }];
    case 'SITE_NOT_ELIGIBLE':
      return [{ fieldId: firstSiteId, message: problemWords(error) }];
    case 'VALIDATION_FAILED':
      return error.errors.map((fieldError) =>
        fieldError.path.startsWith('email')
          ? { fieldId: 'email', message: words.details.emailProblem(fieldError.message) }
          : fieldError.path.startsWith('sites')
            ? { fieldId: firstSiteId, message: words.details.sitesProblem(fieldError.message) }
            : {
                fieldId: 'admin-rights',
                message: words.details.otherProblem(fieldError.path, fieldError.message),
              },
      );
    default:
      return [];
  }
}
