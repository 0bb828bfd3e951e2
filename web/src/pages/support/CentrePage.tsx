/**
 * A centre, as customer services sees it: its details; links to its users, Add new users
 * and its audit log (My Centre's pages, which support may open for any centre); and its
 * name and eligible sites to change.
 *
 * Taking a site away takes it from every user of the centre, so before saving such a change
 * the page counts who would lose it and asks for a confirmation. The count is bounded: one
 * page of 100 users with the site, and when there are more, one more user is enough to say
 * "more than 100"; it never pages through the whole centre. The API takes the site from the
 * users in an operation (202): the page follows it and says how many lost access.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { useHistoryState } from 'wouter/use-browser-location';
import { type Api, unwrap } from '../../api/client';
import { isProblem, problemWords } from '../../api/problem';
import { UpdateCentreBodySchema } from '../../api/schemas';
import { Page } from '../../app/page';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Checkbox, ErrorSummary, type FieldProblem, TextField } from '../../components/forms';
import { ErrorState, LoadingState } from '../../components/states';
import { formatList, plural, t } from '../../i18n';
import { useApi } from '../../session/session';
import { centreQueryKey, useCentre } from '../my-centre/centre';
import { useOperation } from '../my-centre/user-detail';
import { usersQueryKey } from '../my-centre/users';
import {
  allSites,
  type Centre,
  type Site,
  siteListWords,
  siteName,
  sortSites,
  supportListsChanged,
  supportPaths,
} from './support-data';

/** What Create centre hands to this page, in the history entry. */
export interface CreatedCentreState {
  created?: { name: string; email: string };
}

const words = t.support.centre;

export default function CentrePage() {
  const centre = useCentre();
  const historyState = useHistoryState<CreatedCentreState | null>();
  const [notice, setNotice] = useState<string | null>(() =>
    historyState?.created
      ? words.created(historyState.created.name, historyState.created.email)
      : null,
  );
  const [removal, setRemoval] = useState<SiteRemoval | null>(null);

  if (centre.isPending) return <LoadingState label={words.loading} />;
  if (centre.isError) {
    // A number that is not a centre number at all is just as "not found".
    if (isProblem(centre.error, 'NOT_FOUND') || isProblem(centre.error, 'VALIDATION_FAILED'))
      return (
        <Page title={words.notFound}>
          <p>{words.notFoundText}</p>
          <p>
            <Link href={supportPaths.centres}>{words.backToCentres}</Link>
          </p>
        </Page>
      );
    return (
      <Page title={t.support.centres.title}>
        <ErrorState error={centre.error} retry={() => centre.refetch()} />
      </Page>
    );
  }
  const data = centre.data;
  const base = `/centres/${data.centreId}`;
  return (
    <Page title={data.name}>
      <div className="support-centre">
        {notice ? <Notice key={notice}>{notice}</Notice> : null}
        {removal ? (
          <SiteRemovalProgress key={removal.operationId} centreId={data.centreId} {...removal} />
        ) : null}

        <section className="panel" aria-labelledby="centre-details">
          <h2 id="centre-details">{words.details}</h2>
          <dl className="details">
            <dt>{t.support.centreNumber}</dt>
            <dd>{data.centreId}</dd>
            <dt>{words.name}</dt>
            <dd>{data.name}</dd>
            <dt>{words.eligibleSites}</dt>
            <dd>{siteListWords(data.eligibleSites)}</dd>
          </dl>
        </section>

        <nav className="panel" aria-labelledby="centre-links">
          <h2 id="centre-links">{words.links}</h2>
          <p>{words.linksIntro}</p>
          <ul className="support-links">
            <li>
              <Link href={`${base}/users`}>{words.users}</Link>
            </li>
            <li>
              <Link href={`${base}/users/new`}>{words.addUsers}</Link>
              <span className="hint"> – {words.addUsersHint}</span>
            </li>
            <li>
              <Link href={`${base}/audit`}>{words.auditLog}</Link>
            </li>
          </ul>
        </nav>

        <section className="panel" aria-labelledby="centre-edit">
          <h2 id="centre-edit">{words.edit}</h2>
          <EditCentre
            // Saved: the form starts again from what the centre now is.
            key={`${data.name}|${data.eligibleSites.join(',')}`}
            centre={data}
            onStart={() => {
              setNotice(null);
              setRemoval(null);
            }}
            onSaved={(started) => (started ? setRemoval(started) : setNotice(words.saved))}
            onNothingToSave={() => setNotice(words.nothingToSave)}
          />
        </section>
      </div>
    </Page>
  );
}

/** A notice that takes focus when it appears, so it is heard (the button may be gone). */
function Notice({ children }: { children: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} className="notice success" role="status" tabIndex={-1}>
      <p>{children}</p>
    </div>
  );
}

interface SiteRemoval {
  operationId: string;
  sites: Site[];
}

/**
 * The users losing the sites taken away: the operation followed until it ends, then every
 * list of the centre's users read again.
 */
function SiteRemovalProgress({ centreId, operationId, sites }: SiteRemoval & { centreId: string }) {
  const queryClient = useQueryClient();
  const operation = useOperation(centreId, operationId);
  const status = operation.data?.status ?? 'running';
  const updated = plural(operation.data?.usersUpdated ?? 0, words.usersCount);
  const names = formatList(sites.map(siteName));
  useEffect(() => {
    if (status !== 'running')
      void queryClient.invalidateQueries({ queryKey: usersQueryKey(centreId) });
  }, [status, centreId, queryClient]);
  const text =
    status === 'running'
      ? words.removing(names, updated)
      : status === 'succeeded'
        ? words.removed(names, updated)
        : words.removalStopped(names);
  return (
    <div className={`notice ${status === 'failed' ? 'error' : 'success'}`} role="status">
      <p>{text}</p>
    </div>
  );
}

interface SiteLoss {
  site: Site;
  /** Users who have the site, up to 100; `more` when there are more than 100. */
  count: number;
  more: boolean;
}

/** Who has `site` at the centre: one page of 100, and one user past it to tell "more". */
async function countUsersWithSite(api: Api, centreId: string, site: Site): Promise<SiteLoss> {
  const first = unwrap(
    await api.GET('/centres/{centreId}/users', {
      params: { path: { centreId }, query: { site, limit: 100 } },
    }),
  );
  let more = false;
  if (first.nextCursor) {
    const next = unwrap(
      await api.GET('/centres/{centreId}/users', {
        params: { path: { centreId }, query: { site, limit: 1, cursor: first.nextCursor } },
      }),
    );
    more = next.items.length > 0;
  }
  return { site, count: first.items.length, more };
}

type Change = { name?: string; eligibleSites?: Site[] };

function EditCentre({
  centre,
  onStart,
  onSaved,
  onNothingToSave,
}: {
  centre: Centre;
  onStart(): void;
  /** With the operation taking the sites from the users, when sites were taken away. */
  onSaved(removal?: SiteRemoval): void;
  onNothingToSave(): void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { centreId } = centre;
  const [name, setName] = useState(centre.name);
  const [sites, setSites] = useState<Site[]>(centre.eligibleSites);
  const [nameError, setNameError] = useState<string | undefined>();
  const [failure, setFailure] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<{ change: Change; losses: SiteLoss[] } | null>(null);

  const save = useMutation({
    mutationFn: async (change: Change) =>
      unwrap(
        await api.PATCH('/support/centres/{centreId}', {
          params: { path: { centreId } },
          body: change,
        }),
      ),
    onSuccess: (saved) => {
      setConfirming(null);
      const { centreId: id, name, eligibleSites } = saved;
      queryClient.setQueryData(centreQueryKey(centreId), { centreId: id, name, eligibleSites });
      // The lists show the new name and sites (and, once the operation ends, who lost one).
      void queryClient.invalidateQueries({ queryKey: usersQueryKey(centreId) });
      void supportListsChanged(queryClient);
      const removed = centre.eligibleSites.filter((site) => !eligibleSites.includes(site));
      onSaved(
        'operationId' in saved && typeof saved.operationId === 'string'
          ? { operationId: saved.operationId, sites: sortSites(removed) }
          : undefined,
      );
    },
    onError: (error) => {
      setConfirming(null);
      setFailure(error);
    },
  });

  const count = useMutation({
    mutationFn: (removed: Site[]) =>
      Promise.all(removed.map((site) => countUsersWithSite(api, centreId, site))),
    onError: setFailure,
  });

  const busy = save.isPending || count.isPending;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    onStart();
    setFailure(null);
    const parsed = UpdateCentreBodySchema.safeParse({ name, eligibleSites: sortSites(sites) });
    if (!parsed.success) {
      const issue = parsed.error.issues.find((found) => found.path[0] === 'name');
      setNameError(
        !name.trim()
          ? t.support.create.errors.nameMissing
          : issue?.code === 'too_big'
            ? t.support.create.errors.nameTooLong
            : t.support.create.errors.nameCharacters,
      );
      return;
    }
    setNameError(undefined);
    const change: Change = {};
    if (parsed.data.name !== undefined && parsed.data.name !== centre.name)
      change.name = parsed.data.name;
    const next = parsed.data.eligibleSites ?? [];
    const sameSites =
      next.length === centre.eligibleSites.length &&
      next.every((site) => centre.eligibleSites.includes(site));
    if (!sameSites) change.eligibleSites = next;
    if (!change.name && !change.eligibleSites) return onNothingToSave();

    const removed = sortSites(centre.eligibleSites.filter((site) => !next.includes(site)));
    if (removed.length === 0) return save.mutate(change);
    count.mutate(removed, { onSuccess: (losses) => setConfirming({ change, losses }) });
  };

  const problems: FieldProblem[] = nameError
    ? [{ fieldId: 'centre-name', message: nameError }]
    : [];
  const removedNames = confirming
    ? formatList(confirming.losses.map((loss) => siteName(loss.site)))
    : '';

  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorSummary problems={problems} />
      {failure ? (
        <div className="notice error" role="alert">
          <p>{problemWords(failure)}</p>
        </div>
      ) : null}
      <TextField
        id="centre-name"
        label={words.name}
        value={name}
        onChange={(value) => {
          setName(value);
          setNameError(undefined);
        }}
        autoComplete="off"
        error={nameError}
      />
      <fieldset className="fieldset" aria-describedby="centre-sites-hint">
        <legend>{words.eligibleSites}</legend>
        <p className="hint support-sites-hint" id="centre-sites-hint">
          {words.eligibleSitesHint}
        </p>
        {allSites.map((site) => (
          <Checkbox
            key={site}
            id={`centre-site-${site}`}
            isSelected={sites.includes(site)}
            onChange={(selected) =>
              setSites((current) =>
                selected ? [...current, site] : current.filter((held) => held !== site),
              )
            }
          >
            {siteName(site)}
          </Checkbox>
        ))}
      </fieldset>
      <div>
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {t.common.saveChanges}
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {count.isPending ? `${words.counting}…` : save.isPending ? `${words.saving}…` : ''}
      </p>

      <ConfirmDialog
        isOpen={confirming !== null}
        onOpenChange={(open) => {
          if (!open) setConfirming(null);
        }}
        title={words.confirmTitle(removedNames)}
        confirmLabel={t.common.yes}
        cancelLabel={t.common.cancel}
        danger
        isPending={save.isPending}
        onConfirm={() => confirming && save.mutate(confirming.change)}
      >
        <p>{words.confirmIntro}</p>
        <ul className="support-losses">
          {confirming?.losses.map((loss) => (
            <li key={loss.site}>
              {words.siteLoss(
                siteName(loss.site),
                loss.more ? words.users100Plus : plural(loss.count, words.usersCount),
              )}
            </li>
          ))}
        </ul>
        <p>{words.confirmUndo}</p>
      </ConfirmDialog>
    </form>
  );
}
