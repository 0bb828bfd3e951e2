/**
 * "Add new users": rows of name, email, admin rights and site ticks, sent together by
 * `Finish` as one POST. Each row then succeeds or fails alone: created rows are shown as
 * done and never sent again; failed rows stay to be corrected and sent again.
 *
 * The rows are checked here first with the API's own zod rules, so a mistake is shown at
 * once and nothing is sent. One submission carries one Idempotency-Key, kept while the very
 * same rows are retried (after a lost connection the API may already have invited them) and
 * replaced as soon as the rows change: a double click or a retry invites nobody twice.
 */
import { useQueryClient } from '@tanstack/react-query';
import {
  type FormEvent,
  memo,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Link } from 'wouter';
import { unwrap } from '../../api/client';
import { ApiProblem, type ProblemDocument, problemWords } from '../../api/problem';
import type { operations } from '../../api/schema';
import { EmailSchema, NewUserRowSchema } from '../../api/schemas';
import { Page } from '../../app/page';
import { Checkbox, ErrorSummary, type FieldProblem, TextField } from '../../components/forms';
import { formatNumber, plural, t } from '../../i18n';
import { useApi } from '../../session/session';
import { siteNames, useCentre, useCentreId } from './centre';
import {
  type CentreUser,
  importUsersPath,
  roleLabels,
  roleOf,
  type Site,
  siteListWords,
  sortSites,
  userPath,
  usersPath,
  usersQueryKey,
} from './users';

/** The API takes at most this many rows in one request. */
const maxRows = 100;
const w = t.myCentre.addUsers;
const userTitle = (position: number) => w.user(formatNumber(position + 1));

type Field = 'name' | 'email' | 'sites' | 'row';
type RowErrors = Partial<Record<Field, string>>;

interface Row {
  /** Stable for React and for field ids; the row's number ("User 2") is its position. */
  id: number;
  name: string;
  email: string;
  isAdmin: boolean;
  sites: Site[];
  errors: RowErrors;
  created?: CentreUser;
}

type AddUsers = operations['addUsers'];
type NewUser = AddUsers['requestBody']['content']['application/json']['users'][number];
type RowResult = AddUsers['responses'][200]['content']['application/json']['results'][number];

let nextRowId = 1;
const emptyRow = (): Row => ({
  id: nextRowId++,
  name: '',
  email: '',
  isAdmin: false,
  sites: [],
  errors: {},
});

const fieldId = (row: Row, field: Field) =>
  field === 'row' ? `user-${row.id}-name` : `user-${row.id}-${field}`;

/** The same rules as the API (NewUserRowSchema), in words for the person typing. */
function checkRows(rows: Row[]): { errors: Map<number, RowErrors>; users: NewUser[] } {
  const errors = new Map<number, RowErrors>();
  const users: NewUser[] = [];
  const firstWithEmail = new Map<string, number>();
  rows.forEach((row, position) => {
    const email = EmailSchema.safeParse(row.email);
    if (email.success && !firstWithEmail.has(email.data)) firstWithEmail.set(email.data, position);
  });

  rows.forEach((row, position) => {
    if (row.created) return;
    const rowErrors: RowErrors = {};
    const parsed = NewUserRowSchema.safeParse({
      name: row.name,
      email: row.email,
      isAdmin: row.isAdmin,
      sites: sortSites(row.sites),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === 'name') rowErrors.name ??= nameWords(issue.code, row.name);
        else if (field === 'email') rowErrors.email ??= emailWords(issue.code, row.email);
        else rowErrors.sites ??= w.errors.sites;
      }
    } else {
      const first = firstWithEmail.get(parsed.data.email);
      if (first !== undefined && first !== position)
        rowErrors.email = w.errors.duplicate(userTitle(first));
      else users.push(parsed.data);
    }
    if (Object.keys(rowErrors).length) errors.set(row.id, rowErrors);
  });
  return { errors, users };
}

function nameWords(code: string, name: string): string {
  if (!name.trim()) return w.errors.nameMissing;
  if (code === 'too_big') return w.errors.nameTooLong;
  return w.errors.nameCharacters;
}

function emailWords(code: string, email: string): string {
  if (!email.trim()) return w.errors.emailMissing;
  if (code === 'too_big') return w.errors.emailTooLong;
  return w.errors.emailFormat;
}

/** A failed row's reason, beside the field it is about. */
function rowErrorsOf(problem: ProblemDocument): RowErrors {
  if (problem.code === 'EMAIL_TAKEN')
    return { email: problemWords(new ApiProblem(problem.status, problem)) };
  if (problem.code === 'SITE_NOT_ELIGIBLE')
    return { sites: problemWords(new ApiProblem(problem.status, problem)) };
  if (problem.code === 'VALIDATION_FAILED' && problem.errors?.length) {
    const errors: RowErrors = {};
    const labels: Record<string, [Field, string]> = {
      name: ['name', w.errors.field.name],
      email: ['email', w.errors.field.email],
      sites: ['sites', w.errors.field.sites],
    };
    for (const { path, message } of problem.errors) {
      const [field, label] = labels[path.split('.')[2] ?? ''] ?? ['row', w.errors.field.row];
      errors[field] ??= w.errors.fieldMessage(label, message);
    }
    return errors;
  }
  return { row: problemWords(new ApiProblem(problem.status, problem)) };
}

const addButtonId = 'add-user-row';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default function AddUsersPage() {
  const api = useApi();
  const centreId = useCentreId();
  const centre = useCentre();
  const queryClient = useQueryClient();
  const eligible = centre.data?.eligibleSites;
  const eligibleSites = useMemo(() => sortSites(eligible ?? []), [eligible]);

  const [rows, setRows] = useState<Row[]>(() => [emptyRow()]);
  // Read by the row callbacks, which stay the same so that typing re-renders one row of 100.
  const rowsRef = useRef(rows);
  useLayoutEffect(() => {
    rowsRef.current = rows;
  });
  const [sending, setSending] = useState(false);
  const [requestProblem, setRequestProblem] = useState<unknown>(null);
  const [answered, setAnswered] = useState(false);
  const sendingRef = useRef(false);
  /** The last body sent and its key: the same rows sent again reuse the key. */
  const attempt = useRef<{ key: string; body: string } | null>(null);
  /** The element to focus once the rows have changed (a new row, or the one above). */
  const [focusTarget, setFocusTarget] = useState<string | null>(null);

  useEffect(() => {
    if (focusTarget === null) return;
    document.getElementById(focusTarget)?.focus();
    setFocusTarget(null);
  }, [focusTarget]);

  const change = useCallback(
    (id: number, patch: Partial<Row>) =>
      setRows((current) => current.map((row) => (row.id === id ? { ...row, ...patch } : row))),
    [],
  );

  const add = () => {
    const row = emptyRow();
    setRows((current) => (current.length < maxRows ? [...current, row] : current));
    setFocusTarget(`user-${row.id}-name`);
  };

  const remove = useCallback((id: number) => {
    const current = rowsRef.current;
    const before = current[current.findIndex((row) => row.id === id) - 1];
    setRows((latest) => latest.filter((row) => row.id !== id));
    setFocusTarget(before && !before.created ? `user-${before.id}-name` : addButtonId);
  }, []);

  const startAgain = () => {
    const row = emptyRow();
    attempt.current = null;
    setRows([row]);
    setAnswered(false);
    setRequestProblem(null);
    setFocusTarget(`user-${row.id}-name`);
  };

  const send = async (users: NewUser[]) => {
    const body = { users };
    const json = JSON.stringify(body);
    if (attempt.current?.body !== json) attempt.current = { key: crypto.randomUUID(), body: json };
    const key = attempt.current.key;
    for (let tries = 1; ; tries++) {
      try {
        return unwrap(
          await api.POST('/centres/{centreId}/users', {
            params: { path: { centreId }, header: { 'Idempotency-Key': key } },
            body,
          }),
        );
      } catch (error) {
        // The same key still being worked on (a retry overtaking a lost answer): wait for it.
        if (!(error instanceof ApiProblem && error.code === 'IDEMPOTENCY_CONFLICT') || tries >= 4)
          throw error;
        await sleep(2_000);
      }
    }
  };

  const finish = async (event: FormEvent) => {
    event.preventDefault();
    if (sendingRef.current) return;
    setRequestProblem(null);
    const { errors, users } = checkRows(rows);
    const toSend = rows.filter((row) => !row.created);
    setRows((current) =>
      current.map((row) => (row.created ? row : { ...row, errors: errors.get(row.id) ?? {} })),
    );
    if (errors.size > 0 || users.length === 0) return;

    sendingRef.current = true;
    setSending(true);
    try {
      const answer = await send(users);
      attempt.current = null;
      const byId = new Map<number, RowResult>();
      for (const result of answer.results) {
        const row = toSend[result.index];
        if (row) byId.set(row.id, result);
      }
      setRows((current) =>
        current.map((row) => {
          const result = byId.get(row.id);
          if (!result) return row;
          return result.status === 'created'
            ? { ...row, created: result.user, errors: {} }
            : { ...row, errors: rowErrorsOf(result.error) };
        }),
      );
      setAnswered(true);
      if (answer.created > 0)
        await queryClient.invalidateQueries({ queryKey: usersQueryKey(centreId) });
    } catch (error) {
      setRequestProblem(error);
    } finally {
      sendingRef.current = false;
      setSending(false);
    }
  };

  const created = rows.filter((row) => row.created);
  const allDone = rows.length > 0 && created.length === rows.length;
  const problems: FieldProblem[] = rows.flatMap((row, position) =>
    (['name', 'email', 'sites', 'row'] as const).flatMap((field) => {
      const message = row.errors[field];
      return message
        ? [{ fieldId: fieldId(row, field), message: w.problemIn(userTitle(position), message) }]
        : [];
    }),
  );

  return (
    <Page title={w.title}>
      {answered && created.length > 0 ? (
        <AddedNotice count={created.length} allDone={allDone}>
          {allDone ? (
            <p className="added-actions">
              <Link href={usersPath(centreId)} className="button">
                {w.backToUsers}
              </Link>
              <button type="button" className="button secondary" onClick={startAgain}>
                {w.addMore}
              </button>
            </p>
          ) : null}
        </AddedNotice>
      ) : null}

      <ErrorSummary
        problems={problems}
        title={
          answered && created.length > 0 ? plural(problems.length, w.notAddedTitle) : w.problemTitle
        }
      />

      {requestProblem ? (
        <div className="notice error" role="alert">
          <p>{problemWords(requestProblem)}</p>
          <p>{w.tryAgain}</p>
        </div>
      ) : null}

      {allDone ? null : (
        <>
          <p className="hint add-users-intro">{w.intro}</p>
          <p className="add-users-import">
            <Link href={importUsersPath(centreId)} aria-describedby="add-users-import-hint">
              {t.csv.importLink}
            </Link>{' '}
            <span className="hint" id="add-users-import-hint">
              {t.csv.importLinkHint}
            </span>
          </p>
        </>
      )}

      <form className="add-users-form" onSubmit={finish} noValidate>
        <div className="user-rows">
          {rows.map((row, position) =>
            row.created ? (
              <DoneRow key={row.id} number={position + 1} user={row.created} />
            ) : (
              <UserRowFields
                key={row.id}
                row={row}
                number={position + 1}
                eligibleSites={eligibleSites}
                isReadOnly={sending}
                onChange={change}
                onRemove={position > 0 ? remove : undefined}
              />
            ),
          )}
        </div>

        {allDone ? null : (
          <>
            <div className="add-row-bar">
              <p className="hint" id="add-row-hint">
                {rows.length >= maxRows
                  ? w.rowsFull(formatNumber(maxRows))
                  : w.rowsHint(formatNumber(maxRows))}
              </p>
              <button
                id={addButtonId}
                type="button"
                className="button secondary"
                onClick={add}
                disabled={rows.length >= maxRows || sending}
                aria-describedby="add-row-hint"
              >
                {w.add}
              </button>
            </div>
            <div className="add-users-actions">
              <button
                type="submit"
                className="button"
                disabled={sending}
                aria-describedby={sending ? 'add-users-sending' : undefined}
              >
                {w.finish}
              </button>
              <Link href={usersPath(centreId)}>{w.cancel}</Link>
              {sending ? (
                <span id="add-users-sending" className="hint" role="status">
                  <span className="spinner" aria-hidden="true" />
                  {w.adding}
                </span>
              ) : null}
            </div>
          </>
        )}
      </form>
    </Page>
  );
}

function AddedNotice({
  count,
  allDone,
  children,
}: {
  count: number;
  allDone: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // When every row is done, the notice is the news; otherwise the error summary takes focus.
  useEffect(() => {
    if (allDone) ref.current?.focus();
  }, [allDone]);
  return (
    <div ref={ref} className="notice success" tabIndex={-1}>
      <p className="added-summary" role="status">
        {plural(count, w.added)}
      </p>
      {children}
    </div>
  );
}

function DoneRow({ number, user }: { number: number; user: CentreUser }) {
  const centreId = useCentreId();
  return (
    <fieldset className="user-row done">
      <legend className="user-row-title">{userTitle(number - 1)}</legend>
      <p className="user-row-outcome">
        <span className="done-mark" aria-hidden="true">
          ✓
        </span>{' '}
        {w.addedRow} <Link href={userPath(centreId, user.userId)}>{user.name}</Link> ({user.email})
        {w.addedWith(
          roleLabels[roleOf(user)],
          user.sites.length ? siteListWords(user.sites) : w.noSupportSites,
        )}
      </p>
    </fieldset>
  );
}

const UserRowFields = memo(function UserRowFields({
  row,
  number,
  eligibleSites,
  isReadOnly,
  onChange,
  onRemove,
}: {
  row: Row;
  number: number;
  eligibleSites: Site[];
  isReadOnly: boolean;
  onChange(id: number, patch: Partial<Row>): void;
  onRemove: ((id: number) => void) | undefined;
}) {
  const title = userTitle(number - 1);
  return (
    <fieldset className={Object.keys(row.errors).length ? 'user-row has-error' : 'user-row'}>
      <legend className="user-row-title">{title}</legend>
      {row.errors.row ? <p className="field-error user-row-error">{row.errors.row}</p> : null}
      <div className="user-row-grid">
        <TextField
          id={fieldId(row, 'name')}
          label={w.name}
          value={row.name}
          onChange={(name) => onChange(row.id, { name })}
          autoComplete="off"
          error={row.errors.name}
          isRequired
          isReadOnly={isReadOnly}
        />
        <TextField
          id={fieldId(row, 'email')}
          label={w.email}
          type="email"
          value={row.email}
          onChange={(email) => onChange(row.id, { email })}
          autoComplete="off"
          error={row.errors.email}
          isRequired
          isReadOnly={isReadOnly}
        />
        <div className="user-row-access">
          <Checkbox
            isSelected={row.isAdmin}
            onChange={(isAdmin) => onChange(row.id, { isAdmin })}
            isDisabled={isReadOnly}
          >
            {w.adminRights}
          </Checkbox>
          {eligibleSites.length ? (
            <fieldset
              id={fieldId(row, 'sites')}
              className="user-row-sites"
              tabIndex={-1}
              aria-describedby={row.errors.sites ? `${fieldId(row, 'sites')}-error` : undefined}
            >
              <legend className="user-row-sites-title">{w.supportSites}</legend>
              {eligibleSites.map((site) => (
                <Checkbox
                  key={site}
                  isSelected={row.sites.includes(site)}
                  onChange={(ticked) =>
                    onChange(row.id, {
                      sites: ticked
                        ? sortSites([...row.sites, site])
                        : row.sites.filter((s) => s !== site),
                    })
                  }
                  isDisabled={isReadOnly}
                >
                  {siteNames[site] ?? site}
                </Checkbox>
              ))}
              {row.errors.sites ? (
                <p className="field-error" id={`${fieldId(row, 'sites')}-error`}>
                  {row.errors.sites}
                </p>
              ) : null}
            </fieldset>
          ) : null}
        </div>
        {onRemove ? (
          <button
            type="button"
            className="button secondary small user-row-remove"
            onClick={() => onRemove(row.id)}
            disabled={isReadOnly}
          >
            {w.remove}
            <span className="visually-hidden"> {title}</span>
          </button>
        ) : null}
      </div>
    </fieldset>
  );
});
