/**
 * Create centre: the centre's number, name and eligible sites, and its first coordinator,
 * who is invited by email. Checked here first with the API's own schema
 * (CreateCentreBodySchema), so a mistake is shown beside its field and nothing is sent; the
 * API's refusals (CENTRE_EXISTS, EMAIL_TAKEN) are shown beside the field they are about.
 *
 * One submission carries one Idempotency-Key, kept while the very same details are sent
 * again (after a lost connection the API may already have created the centre: the retry gets
 * that answer back) and replaced as soon as a field changes. A second click while the first
 * is on its way sends nothing: a double click creates one centre and one invitation.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { unwrap } from '../../api/client';
import { ApiProblem, problemWords } from '../../api/problem';
import { CreateCentreBodySchema } from '../../api/schemas';
import { Page } from '../../app/page';
import { Checkbox, ErrorSummary, type FieldProblem, TextField } from '../../components/forms';
import { t } from '../../i18n';
import { useApi } from '../../session/session';
import { centreQueryKey } from '../my-centre/centre';
import type { CreatedCentreState } from './CentrePage';
import {
  allSites,
  type Site,
  siteName,
  sortSites,
  supportListsChanged,
  supportPaths,
} from './support-data';

type Field = 'centreId' | 'name' | 'eligibleSites' | 'coordinatorName' | 'coordinatorEmail';
type Errors = Partial<Record<Field, string>>;

const fieldIds: Record<Field, string> = {
  centreId: 'centre-id',
  name: 'centre-name',
  eligibleSites: `site-${allSites[0]}`,
  coordinatorName: 'coordinator-name',
  coordinatorEmail: 'coordinator-email',
};
const fieldOrder = Object.keys(fieldIds) as Field[];

const words = t.support.create.errors;

/** The field an issue's path names (`coordinator.email` → coordinatorEmail). */
function fieldOf(path: readonly PropertyKey[] | string): Field | undefined {
  const [first, second] = typeof path === 'string' ? path.split('.') : path.map(String);
  if (first === 'coordinator') return second === 'email' ? 'coordinatorEmail' : 'coordinatorName';
  if (first === 'centreId' || first === 'name' || first === 'eligibleSites') return first;
  return undefined;
}

/** Words for what is wrong with a field, from what was typed and zod's issue code. */
function wordsFor(field: Field, code: string, value: string): string {
  const empty = !value.trim();
  switch (field) {
    case 'centreId':
      return empty ? words.centreIdMissing : words.centreIdFormat;
    case 'name':
      return empty
        ? words.nameMissing
        : code === 'too_big'
          ? words.nameTooLong
          : words.nameCharacters;
    case 'eligibleSites':
      return words.sites;
    case 'coordinatorName':
      return empty
        ? words.coordinatorNameMissing
        : code === 'too_big'
          ? words.coordinatorNameTooLong
          : words.coordinatorNameCharacters;
    case 'coordinatorEmail':
      return empty
        ? words.emailMissing
        : code === 'too_big'
          ? words.emailTooLong
          : words.emailFormat;
  }
}

export default function CreateCentrePage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [centreId, setCentreId] = useState('');
  const [name, setName] = useState('');
  const [sites, setSites] = useState<Site[]>([]);
  const [coordinatorName, setCoordinatorName] = useState('');
  const [coordinatorEmail, setCoordinatorEmail] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const sendingRef = useRef(false);
  /** The last body sent and its key: the same details sent again reuse the key. */
  const attempt = useRef<{ key: string; body: string } | null>(null);

  const values: Record<Field, string> = {
    centreId,
    name,
    eligibleSites: sites.join(','),
    coordinatorName,
    coordinatorEmail,
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sendingRef.current) return;
    const parsed = CreateCentreBodySchema.safeParse({
      // A centre number is capitals; people type it in any case and with stray spaces.
      centreId: centreId.trim().toUpperCase(),
      name,
      eligibleSites: sortSites(sites),
      coordinator: { name: coordinatorName, email: coordinatorEmail },
    });
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) {
        const field = fieldOf(issue.path);
        if (field) found[field] ??= wordsFor(field, issue.code, values[field]);
      }
      setFailure(null);
      setErrors(found);
      return;
    }
    const body = parsed.data;
    const text = JSON.stringify(body);
    if (attempt.current?.body !== text) attempt.current = { key: crypto.randomUUID(), body: text };
    const key = attempt.current.key;

    sendingRef.current = true;
    setSending(true);
    setErrors({});
    setFailure(null);
    try {
      const created = unwrap(
        await api.POST('/support/centres', {
          body,
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      queryClient.setQueryData(centreQueryKey(created.centre.centreId), created.centre);
      void supportListsChanged(queryClient);
      navigate(supportPaths.centre(created.centre.centreId), {
        state: {
          created: { name: created.coordinator.name, email: created.coordinator.email },
        } satisfies CreatedCentreState,
      });
    } catch (error) {
      const refused = refusal(error, values);
      if (refused) setErrors(refused);
      else setFailure(error);
    } finally {
      sendingRef.current = false;
      setSending(false);
    }
  };

  const problems: FieldProblem[] = fieldOrder.flatMap((field) => {
    const message = errors[field];
    return message ? [{ fieldId: fieldIds[field], message }] : [];
  });

  /** Any change is a new submission: it will get a new key. */
  const edit =
    <T,>(set: (value: T) => void, field: Field) =>
    (value: T) => {
      set(value);
      if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
    };

  return (
    <Page title={t.support.create.title}>
      <ErrorSummary problems={problems} />
      {failure ? (
        <div className="notice error" role="alert">
          <p>{problemWords(failure)}</p>
        </div>
      ) : null}
      <p>{t.support.create.intro}</p>
      <form className="form support-create" onSubmit={submit} noValidate>
        <fieldset className="fieldset support-group">
          <legend>{t.support.create.centreSection}</legend>
          <TextField
            id={fieldIds.centreId}
            label={t.support.centreNumber}
            hint={t.support.create.centreIdHint}
            value={centreId}
            onChange={edit(setCentreId, 'centreId')}
            autoComplete="off"
            error={errors.centreId}
          />
          <TextField
            id={fieldIds.name}
            label={t.support.create.name}
            value={name}
            onChange={edit(setName, 'name')}
            autoComplete="organization"
            error={errors.name}
          />
          <SiteChoice
            sites={sites}
            onChange={edit(setSites, 'eligibleSites')}
            error={errors.eligibleSites}
          />
        </fieldset>
        <fieldset className="fieldset support-group" aria-describedby="coordinator-hint">
          <legend>{t.support.create.coordinatorSection}</legend>
          <p className="hint" id="coordinator-hint">
            {t.support.create.coordinatorHint}
          </p>
          <TextField
            id={fieldIds.coordinatorName}
            label={t.support.create.coordinatorName}
            value={coordinatorName}
            onChange={edit(setCoordinatorName, 'coordinatorName')}
            autoComplete="off"
            error={errors.coordinatorName}
          />
          <TextField
            id={fieldIds.coordinatorEmail}
            label={t.support.create.coordinatorEmail}
            type="email"
            inputMode="email"
            value={coordinatorEmail}
            onChange={edit(setCoordinatorEmail, 'coordinatorEmail')}
            autoComplete="off"
            error={errors.coordinatorEmail}
          />
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button" aria-disabled={sending || undefined}>
            {t.support.create.submit}
          </button>
          <Link href={supportPaths.centres} className="button secondary">
            {t.common.cancel}
          </Link>
        </div>
        <p className="visually-hidden" role="status">
          {sending ? `${t.support.create.sending}…` : ''}
        </p>
      </form>
    </Page>
  );
}

function SiteChoice({
  sites,
  onChange,
  error,
}: {
  sites: Site[];
  onChange(sites: Site[]): void;
  error: string | undefined;
}) {
  return (
    <fieldset
      className="fieldset"
      aria-describedby={`eligible-sites-hint${error ? ' eligible-sites-error' : ''}`}
    >
      <legend>{t.support.create.eligibleSites}</legend>
      <p className="hint support-sites-hint" id="eligible-sites-hint">
        {t.support.create.eligibleSitesHint}
      </p>
      {error ? (
        <p className="field-error" id="eligible-sites-error">
          {error}
        </p>
      ) : null}
      {allSites.map((site) => (
        <Checkbox
          key={site}
          id={`site-${site}`}
          isSelected={sites.includes(site)}
          onChange={(selected) =>
            onChange(selected ? [...sites, site] : sites.filter((held) => held !== site))
          }
        >
          {siteName(site)}
        </Checkbox>
      ))}
    </fieldset>
  );
}

/** The API's refusal, beside the field it is about; undefined when it is about no field. */
function refusal(error: unknown, values: Record<Field, string>): Errors | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  if (error.code === 'CENTRE_EXISTS') return { centreId: words.centreExists };
  if (error.code === 'EMAIL_TAKEN') return { coordinatorEmail: words.emailTaken };
  if (error.code === 'VALIDATION_FAILED' && error.errors.length) {
    const found: Errors = {};
    for (const { path } of error.errors) {
      const field = fieldOf(path);
      if (field) found[field] ??= wordsFor(field, 'invalid', values[field]);
    }
    return Object.keys(found).length ? found : undefined;
  }
  return undefined;
}
