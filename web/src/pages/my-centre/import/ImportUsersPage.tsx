/**
 * Add new users › Import from CSV. A file is checked whole before anything is sent (its kind,
 * size, columns and syntax: a refused file sends nothing), then every row is checked in the
 * browser with the API's rules and shown. The valid rows are sent 100 at a time, one request
 * after another, each chunk with an Idempotency-Key made from the file and the chunk, so a
 * retry, or the same file imported again, invites nobody twice. A request that fails on the
 * way (network, 5xx, 429) is retried with backoff; after that its users are reported as not
 * sent and can be sent again. Rows the API answers NOT_ATTEMPTED (it ran short of time and
 * did nothing for them) are sent again, exactly those, in a request of their own. The end is
 * a report of every line, which can be downloaded.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import { ApiProblem, problemWords } from '../../../api/problem';
import { Page } from '../../../app/page';
import { Checkbox, ErrorSummary } from '../../../components/forms';
import { LoadingState } from '../../../components/states';
import { formatList, formatNumber, plural, t } from '../../../i18n';
import { useApi } from '../../../session/session';
import { useCentre, useCentreId } from '../centre';
import { addUsersPath, type Site, sortSites, usersPath, usersQueryKey } from '../users';
import { columns, downloadCsv } from './csv-format';
import {
  type Attempt,
  checkFileKind,
  chunkKey,
  chunksOf,
  decodeFile,
  defaultRetry,
  type ImportRow,
  importLimits,
  isInProgress,
  type NewUser,
  notAttemptedIndexes,
  type Outcome,
  outcomeWords,
  type ReportRow,
  readImport,
  reportCsv,
  retryAfterSeconds,
  sha256Hex,
  withRetries,
} from './import-rows';
import { Progress } from './Progress';
import './import.css';

const fileInputId = 'csv-file';
const w = t.csv;

interface LoadedFile {
  name: string;
  digest: string;
  rows: ImportRow[];
}

interface Chunk {
  index: number;
  key: string;
  /** Raised after the key stayed "in progress" too long (see chunkKey). */
  generation: number;
  users: NewUser[];
  lines: number[];
  /** Sent at least once from this page: a replayed answer is then this page's own work. */
  tried: boolean;
  done: boolean;
  /** How many times these rows were answered NOT_ATTEMPTED and sent again (0: never). */
  resends: number;
}

type Step = 'choose' | 'preview' | 'importing' | 'done';

type AddUsersAnswer = {
  results: (
    | { index: number; status: 'created'; user: Extract<Outcome, { kind: 'created' }>['user'] }
    | { index: number; status: 'failed'; error: { status: number; code: string } }
  )[];
};

export default function ImportUsersPage() {
  const api = useApi();
  const centreId = useCentreId();
  const centre = useCentre();
  const queryClient = useQueryClient();
  const eligible = centre.data?.eligibleSites;
  const eligibleSites = useMemo(() => sortSites(eligible ?? []), [eligible]);

  const [step, setStep] = useState<Step>('choose');
  const [reading, setReading] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [file, setFile] = useState<LoadedFile | null>(null);
  const [outcomes, setOutcomes] = useState<ReadonlyMap<number, Outcome>>(new Map());
  const [stopping, setStopping] = useState(false);
  const chunks = useRef<Chunk[]>([]);
  const fileRef = useRef<LoadedFile | null>(null);
  fileRef.current = file;
  const stopRef = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // A reload would end the session (tokens live in memory) and the import with it.
  useEffect(() => {
    if (step !== 'importing') return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [step]);

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    if (!chosen) return;
    setRefusal(null);
    setFile(null);
    setStep('choose');
    const kind = checkFileKind(chosen);
    if (kind) {
      setRefusal(kind);
      return;
    }
    setReading(true);
    try {
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      const decoded = decodeFile(bytes);
      if ('refusal' in decoded) return setRefusal(decoded.refusal);
      const read = readImport(decoded.text, eligibleSites);
      if (!read.ok) return setRefusal(read.refusal);
      setFile({ name: chosen.name, digest: await sha256Hex(bytes), rows: read.rows });
      setOutcomes(new Map());
      setStep('preview');
    } catch {
      setRefusal(w.file.unreadable);
    } finally {
      setReading(false);
    }
  };

  const validRows = useMemo(() => file?.rows.filter((row) => row.user) ?? [], [file]);

  /** Sends the chunks not yet done, one request at a time. */
  const run = async () => {
    if (!fileRef.current) return;
    stopRef.current = false;
    setStopping(false);
    setStep('importing');
    const goOn = () => mounted.current && !stopRef.current;
    // Sending again: the users not sent are not settled until their answer comes.
    const again = new Set(chunks.current.filter((chunk) => !chunk.done).flatMap((c) => c.lines));
    setOutcomes((current) => new Map([...current].filter(([line]) => !again.has(line))));
    let createdAny = false;
    let stoppedBy: string | null = null;

    for (const chunk of chunks.current) {
      if (chunk.done) continue;
      if (stoppedBy !== null || !goOn()) {
        const reason =
          stoppedBy ?? (stopRef.current ? w.report.notSentStopped : w.report.notSentLeft);
        record(chunk.lines.map((line) => [line, { kind: 'notSent', reason }]));
        continue;
      }
      const triedBefore = chunk.tried;
      chunk.tried = true;
      const file = fileRef.current;
      if (!file) return;
      chunk.key = await chunkKey(
        centreId,
        file.digest,
        chunk.index,
        JSON.stringify({ users: chunk.users }),
        chunk.generation,
      );
      const answer = await withRetries((tryNumber) => sendChunk(chunk, tryNumber), {
        ...defaultRetry,
        shouldGoOn: goOn,
      });
      if (!mounted.current) return;
      if (answer.ok) {
        chunk.done = true;
        const { body, replayed, tryNumber } = answer.value;
        // A replay on the first try of a chunk never sent from here: an earlier import did it.
        const earlier = replayed && tryNumber === 1 && !triedBefore;
        const settled: [number, Outcome][] = [];
        // Rows the API had no time for: nothing was done, so exactly these are sent again, in
        // a chunk of their own (its own key) that this loop reaches after the others.
        const notAttempted = new Set(notAttemptedIndexes(body.results));
        if (notAttempted.size && chunk.resends < importLimits.notAttemptedResends) {
          const positions = [...notAttempted];
          chunks.current.push({
            index: chunks.current.length,
            key: '',
            generation: 0,
            users: positions.map((at) => chunk.users[at] as NewUser),
            lines: positions.map((at) => chunk.lines[at] as number),
            tried: false,
            done: false,
            resends: chunk.resends + 1,
          });
        } else notAttempted.clear();
        for (const result of body.results) {
          const line = chunk.lines[result.index];
          if (line === undefined || notAttempted.has(result.index)) continue;
          if (result.status === 'created') {
            if (!earlier) createdAny = true;
            settled.push([
              line,
              earlier
                ? { kind: 'exists', reason: w.report.existsReplayed }
                : { kind: 'created', user: result.user },
            ]);
          } else if (result.error.code === 'EMAIL_TAKEN') {
            settled.push([line, { kind: 'exists', reason: w.report.existsTaken }]);
          } else {
            settled.push([
              line,
              {
                kind: 'failed',
                reason: problemWords(new ApiProblem(result.error.status, result.error as never)),
              },
            ]);
          }
        }
        record(settled);
      } else {
        // Its first request may still have added users: a new key next time finds them as
        // EMAIL_TAKEN rather than waiting on the stuck one for a day.
        if (isInProgress(answer)) chunk.generation++;
        const reason = stopRef.current
          ? w.report.notSentStopped
          : w.report.notSentBecause(problemWords(answer.error));
        record(chunk.lines.map((line) => [line, { kind: 'notSent', reason }]));
        if (!stopRef.current) stoppedBy = w.report.notSentLeft;
      }
    }
    if (createdAny) await queryClient.invalidateQueries({ queryKey: usersQueryKey(centreId) });
    if (mounted.current) setStep('done');
  };

  const record = (settled: [number, Outcome][]) =>
    setOutcomes((current) => {
      const next = new Map(current);
      for (const [line, outcome] of settled) next.set(line, outcome);
      return next;
    });

  const sendChunk = async (
    chunk: Chunk,
    tryNumber: number,
  ): Promise<Attempt<{ body: AddUsersAnswer; replayed: boolean; tryNumber: number }>> => {
    const result = await api.POST('/centres/{centreId}/users', {
      params: { path: { centreId }, header: { 'Idempotency-Key': chunk.key } },
      body: { users: chunk.users },
    });
    const status = result.response.status;
    if (result.data && result.response.ok)
      return {
        ok: true,
        value: {
          body: result.data as AddUsersAnswer,
          replayed: result.response.headers.get('idempotent-replayed') === 'true',
          tryNumber,
        },
      };
    const problem = new ApiProblem(status === 599 ? 0 : status, result.error as never);
    return {
      ok: false,
      status: problem.status,
      code: problem.code,
      retryAfterSeconds: retryAfterSeconds(result.response.headers.get('retry-after')),
      error: problem,
    };
  };

  const startImport = async () => {
    if (!file || validRows.length === 0 || step !== 'preview') return;
    const users = validRows.map((row) => row.user as NewUser);
    const lines = validRows.map((row) => row.line);
    const lineChunks = chunksOf(lines);
    chunks.current = chunksOf(users).map((part, index) => ({
      index,
      key: '',
      generation: 0,
      users: part,
      lines: lineChunks[index] ?? [],
      tried: false,
      done: false,
      resends: 0,
    }));
    await run();
  };

  const startAgain = () => {
    chunks.current = [];
    setFile(null);
    setOutcomes(new Map());
    setRefusal(null);
    setStep('choose');
    setFocusInput(true);
  };
  // Back to choosing a file: the button pressed is gone, the file input is where to go on.
  const [focusInput, setFocusInput] = useState(false);
  useEffect(() => {
    if (!focusInput) return;
    document.getElementById(fileInputId)?.focus();
    setFocusInput(false);
  }, [focusInput]);

  const report: ReportRow[] = useMemo(
    () =>
      (file?.rows ?? []).map((row) => ({
        line: row.line,
        name: row.name,
        email: row.email,
        outcome: row.user
          ? (outcomes.get(row.line) ?? { kind: 'notSent', reason: w.report.notSentLeft })
          : { kind: 'invalid', reason: row.problems.join(' ') },
      })),
    [file, outcomes],
  );
  const refusalProblems = useMemo(
    () => (refusal ? [{ fieldId: fileInputId, message: refusal }] : []),
    [refusal],
  );
  const sentCount = validRows.filter((row) => outcomes.has(row.line)).length;

  return (
    <Page title={w.title}>
      {step === 'choose' || step === 'preview' ? (
        <>
          <ErrorSummary title={w.file.refusedTitle} problems={refusalProblems} />
          <FormatHelp eligibleSites={eligibleSites} />
          <section className="import-section" aria-labelledby="import-choose-title">
            <h2 id="import-choose-title">{w.chooseTitle}</h2>
            <div className={refusal ? 'import-file field has-error' : 'import-file field'}>
              <label htmlFor={fileInputId}>{w.fileLabel}</label>
              <p className="hint" id={`${fileInputId}-hint`}>
                {w.fileHint}
              </p>
              {refusal ? (
                <p className="field-error" id={`${fileInputId}-error`}>
                  {refusal}
                </p>
              ) : null}
              <input
                // A new input after each file, so the same file can be chosen again.
                key={file?.digest ?? refusal ?? 'none'}
                id={fileInputId}
                type="file"
                accept=".csv,text/csv"
                aria-describedby={
                  refusal ? `${fileInputId}-hint ${fileInputId}-error` : `${fileInputId}-hint`
                }
                aria-invalid={refusal ? true : undefined}
                onChange={choose}
                disabled={reading}
              />
            </div>
            {reading ? <LoadingState label={w.reading} /> : null}
          </section>
          {step === 'preview' && file ? (
            <Preview file={file} readyCount={validRows.length} onImport={startImport} />
          ) : null}
          <p className="import-actions">
            <Link href={addUsersPath(centreId)}>{w.backToAdd}</Link>
          </p>
        </>
      ) : null}

      {step === 'importing' ? (
        <FocusedSection titleId="import-progress-title" title={w.progress.title}>
          <p className="hint">{w.progress.leaveWarning}</p>
          <Progress
            label={w.progress.label}
            value={sentCount}
            maxValue={Math.max(validRows.length, 1)}
            valueLabel={w.progress.value(formatNumber(sentCount), formatNumber(validRows.length))}
          />
          <p className="visually-hidden" aria-live="polite">
            {w.progress.value(formatNumber(sentCount), formatNumber(validRows.length))}
          </p>
          <p className="import-actions">
            <button
              type="button"
              className="button secondary"
              disabled={stopping}
              onClick={() => {
                stopRef.current = true;
                setStopping(true);
              }}
            >
              {w.progress.stop}
            </button>
            {stopping ? (
              <span className="hint" role="status">
                {w.progress.stopping}
              </span>
            ) : null}
          </p>
        </FocusedSection>
      ) : null}

      {step === 'done' && file ? (
        <Report centreId={centreId} report={report} onRetry={run} onAnother={startAgain} />
      ) : null}
    </Page>
  );
}

/** A section whose heading takes focus when it appears: the control that led here is gone. */
function FocusedSection({
  titleId,
  title,
  children,
}: {
  titleId: string;
  title: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <section className="import-section" aria-labelledby={titleId}>
      <h2 id={titleId} ref={ref} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}

function FormatHelp({ eligibleSites }: { eligibleSites: Site[] }) {
  const h = w.help;
  const example = [
    columns.join(','),
    `Ada Lovelace,ada@school.org,yes,${eligibleSites.slice(0, 2).join(';')}`,
    'Alan Turing,alan@school.org,no,',
  ].join('\n');
  return (
    <section className="import-help" aria-labelledby="import-format-title">
      <p>{h.intro}</p>
      <h2 id="import-format-title">{h.formatTitle}</h2>
      <p>{h.header}</p>
      <ul>
        <li>{h.name}</li>
        <li>{h.email}</li>
        <li>{h.admin}</li>
        <li>
          {eligibleSites.length
            ? h.sites(formatList(eligibleSites.map((site) => site)))
            : h.noSites}
        </li>
      </ul>
      <p>
        {h.limits(
          formatNumber(importLimits.maxRows),
          formatNumber(importLimits.maxBytes / 1024 / 1024),
        )}{' '}
        {h.rerun}
      </p>
      <figure>
        <figcaption className="hint">{h.exampleCaption}</figcaption>
        <pre className="import-example">{example}</pre>
      </figure>
    </section>
  );
}

function Preview({
  file,
  readyCount,
  onImport,
}: {
  file: LoadedFile;
  readyCount: number;
  onImport(): void;
}) {
  const p = w.preview;
  const [onlyProblems, setOnlyProblems] = useState(false);
  const problemCount = file.rows.length - readyCount;
  const shown = onlyProblems ? file.rows.filter((row) => !row.user) : file.rows;
  return (
    <FocusedSection titleId="import-preview-title" title={p.title}>
      <div className="import-summary" role="status">
        <p>{p.fileName(file.name)}</p>
        <p>{readyCount ? plural(readyCount, p.ready) : p.noneReady}</p>
        {problemCount ? <p>{plural(problemCount, p.withProblems)}</p> : null}
      </div>
      {readyCount ? (
        <p className="import-actions">
          <button type="button" className="button" onClick={onImport}>
            {plural(readyCount, p.importButton)}
          </button>
        </p>
      ) : null}
      {problemCount ? (
        <Checkbox isSelected={onlyProblems} onChange={setOnlyProblems}>
          {p.onlyProblems}
        </Checkbox>
      ) : null}
      <div className="table-wrap">
        <table className="table import-table">
          <caption>{p.caption(file.name)}</caption>
          <thead>
            <tr>
              <th scope="col">{p.line}</th>
              <th scope="col">{p.name}</th>
              <th scope="col">{p.email}</th>
              <th scope="col">{p.admin}</th>
              <th scope="col">{p.sites}</th>
              <th scope="col">{p.check}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.line} className={row.user ? undefined : 'has-problem'}>
                <td className="import-line">{formatNumber(row.line)}</td>
                <td>{row.name}</td>
                <td>{row.email}</td>
                <td>{row.user ? (row.user.isAdmin ? p.yes : p.no) : row.admin}</td>
                <td>
                  {row.user
                    ? row.user.sites.length
                      ? formatList(row.user.sites.map((site) => t.common.sites[site]))
                      : p.none
                    : row.sites}
                </td>
                <td>
                  {row.user ? (
                    <span className="ready-mark">{p.readyMark}</span>
                  ) : (
                    <ul className="result-problem">
                      {row.problems.map((problem) => (
                        <li key={problem}>{problem}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </FocusedSection>
  );
}

function Report({
  centreId,
  report,
  onRetry,
  onAnother,
}: {
  centreId: string;
  report: ReportRow[];
  onRetry(): void;
  onAnother(): void;
}) {
  const r = w.report;
  const count = (kind: Outcome['kind']) => report.filter((row) => row.outcome.kind === kind).length;
  const created = count('created');
  const exists = count('exists');
  const failed = count('failed');
  const invalid = count('invalid');
  const notSent = count('notSent');
  return (
    <FocusedSection titleId="import-report-title" title={r.title}>
      <div
        className={created ? 'notice success import-summary' : 'notice import-summary'}
        role="status"
      >
        <p>{created ? plural(created, r.created) : r.noneCreated}</p>
        {exists ? <p>{plural(exists, r.exists)}</p> : null}
        {failed ? <p>{plural(failed, r.failed)}</p> : null}
        {invalid ? <p>{plural(invalid, r.invalid)}</p> : null}
        {notSent ? <p>{plural(notSent, r.notSent)}</p> : null}
      </div>
      <p className="import-actions">
        <button
          type="button"
          className="button"
          onClick={() => downloadCsv(r.fileName(centreId), reportCsv(report))}
        >
          {r.download}
        </button>
        {notSent ? (
          <button type="button" className="button secondary" onClick={onRetry}>
            {plural(notSent, r.retry)}
          </button>
        ) : null}
        <button type="button" className="button secondary" onClick={onAnother}>
          {r.another}
        </button>
        <Link href={usersPath(centreId)}>{w.backToUsers}</Link>
      </p>
      <div className="table-wrap">
        <table className="table import-table">
          <caption>{r.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{w.preview.line}</th>
              <th scope="col">{w.preview.name}</th>
              <th scope="col">{w.preview.email}</th>
              <th scope="col">{r.result}</th>
            </tr>
          </thead>
          <tbody>
            {report.map((row) => {
              const { result, details } = outcomeWords(row.outcome);
              const kind = row.outcome.kind;
              return (
                <tr
                  key={row.line}
                  className={kind === 'created' || kind === 'exists' ? undefined : 'has-problem'}
                >
                  <td className="import-line">{formatNumber(row.line)}</td>
                  <td>{row.name}</td>
                  <td>{row.email}</td>
                  <td>
                    <span
                      className={
                        kind === 'created'
                          ? 'result-created'
                          : kind === 'exists'
                            ? 'result-exists'
                            : 'result-problem'
                      }
                    >
                      {result}
                    </span>
                    {details ? `: ${details}` : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </FocusedSection>
  );
}
