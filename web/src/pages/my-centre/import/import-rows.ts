/**
 * Import from CSV, without React: what a file must be, each row checked with the API's own
 * rules (NewUserRowSchema, the centre's eligible sites, one email per user), the chunks sent
 * with their Idempotency-Keys, the retry policy, and the CSV written back (the report and
 * Export). The page (ImportUsersPage.tsx) only shows and sends what this decides.
 *
 * The file's format (also the page's help text):
 * - the first line names the columns `name`, `email`, `admin`, `sites`, in any order and any
 *   letter case; every one must be there. Other columns (`status`, from an Export) are ignored.
 * - `admin`: yes or no (true or false also; empty is no; any letter case); anything else is
 *   a problem on that row, not a guess.
 * - `sites`: support sites separated by `;`, e.g. `primary;lower-secondary` (the guide's names,
 *   `Cambridge Primary`, are read too); empty is none.
 */
import type { components } from '../../../api/schema';
import { EmailSchema, NewUserRowSchema } from '../../../api/schemas';
import { formatList, formatNumber, t } from '../../../i18n';
import { columns, csvLine, parseCsv, siteIds } from './csv-format';

type Site = components['schemas']['Site'];
type User = components['schemas']['User'];
export type NewUser = { name: string; email: string; isAdmin: boolean; sites: Site[] };

export const importLimits = {
  /** Rows of users in one file (the header line not counted). */
  maxRows: 1_000,
  /** 1 MiB: a thousand rows of the longest names and emails fit in half of it. */
  maxBytes: 1024 * 1024,
  /**
   * Rows in one request. The API takes 100 and answers inside its timeout however busy it is
   * (the rows it had no time for come back NOT_ATTEMPTED and are sent again), starting at
   * most 25 rows a second: 50 rows answer in about 2 s, so the progress moves often; 1,000
   * rows are 20 requests.
   */
  chunkSize: 50,
  /**
   * How many times rows answered NOT_ATTEMPTED are sent again, each time exactly those rows
   * in a request of their own; still not attempted after that, they are reported as not sent.
   */
  notAttemptedResends: 3,
};

type Column = (typeof columns)[number];

const words = () => t.csv.file;

// ---------------------------------------------------------------------------------------------
// The file

/** Why a file is refused before any row is shown or sent. */
export type FileRefusal = string;

/** The file's name, type and size, before it is read. */
export function checkFileKind(file: {
  name: string;
  type: string;
  size: number;
}): FileRefusal | null {
  const csvName = /\.csv$/i.test(file.name);
  // Browsers give CSV files text/csv, or Excel's type on Windows, or nothing at all.
  const csvType = ['', 'text/csv', 'application/csv', 'application/vnd.ms-excel', 'text/plain'];
  if (!csvName || !csvType.includes(file.type.toLowerCase())) return words().notCsv(file.name);
  if (file.size === 0) return words().empty;
  if (file.size > importLimits.maxBytes)
    return words().tooBig(formatNumber(Math.ceil(importLimits.maxBytes / 1024 / 1024)));
  return null;
}

/** The file's text, or why it is not a text file (binary, or not UTF-8). */
export function decodeFile(bytes: Uint8Array): { text: string } | { refusal: FileRefusal } {
  if (bytes.includes(0)) return { refusal: words().binary };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { refusal: words().notUtf8 };
  }
}

export interface ImportRow {
  /** The file's line the row starts on (the header is line 1). */
  line: number;
  /** What the file says, as written (for the preview and the report). */
  name: string;
  email: string;
  admin: string;
  sites: string;
  /** The user to send, when the row passed every check. */
  user?: NewUser;
  /** Why the row cannot be imported, in words (empty when `user` is set). */
  problems: string[];
}

export type ReadResult = { ok: true; rows: ImportRow[] } | { ok: false; refusal: FileRefusal };

/** Reads the file's text into rows, each checked; or refuses the whole file with its reason. */
export function readImport(text: string, eligibleSites: readonly Site[]): ReadResult {
  const parsed = parseCsv(text);
  if (!parsed.ok)
    return { ok: false, refusal: words().syntax[parsed.error](formatNumber(parsed.line)) };
  const [header, ...records] = parsed.records;
  if (!header) return { ok: false, refusal: words().empty };

  const positions = new Map<Column, number>();
  for (const [position, raw] of header.fields.entries()) {
    const name = raw.trim().toLowerCase() as Column;
    if (!(columns as readonly string[]).includes(name)) continue;
    if (positions.has(name)) return { ok: false, refusal: words().repeatedColumn(name) };
    positions.set(name, position);
  }
  const missing = columns.filter((column) => !positions.has(column));
  if (missing.length) return { ok: false, refusal: words().missingColumns(formatList(missing)) };
  if (records.length === 0) return { ok: false, refusal: words().noRows };
  if (records.length > importLimits.maxRows)
    return {
      ok: false,
      refusal: words().tooManyRows(
        formatNumber(records.length),
        formatNumber(importLimits.maxRows),
      ),
    };

  const cell = (fields: string[], column: Column) => fields[positions.get(column) ?? -1] ?? '';
  const rows = records.map((record): ImportRow => {
    const row: ImportRow = {
      line: record.line,
      name: cell(record.fields, 'name'),
      email: cell(record.fields, 'email'),
      admin: cell(record.fields, 'admin'),
      sites: cell(record.fields, 'sites'),
      problems: [],
    };
    if (record.fields.length !== header.fields.length)
      row.problems.push(
        t.csv.row.fieldCount(
          formatNumber(record.fields.length),
          formatNumber(header.fields.length),
        ),
      );
    return row;
  });
  checkRows(rows, eligibleSites);
  return { ok: true, rows };
}

// ---------------------------------------------------------------------------------------------
// Rows

const yes = ['yes', 'true'];
const no = ['no', 'false', ''];

export function readAdmin(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  if (yes.includes(word)) return true;
  if (no.includes(word)) return false;
  return undefined;
}

/** `primary;Cambridge Lower Secondary` → the sites, or the words that are not a site. */
export function readSites(value: string): { sites: Site[]; unknown: string[] } {
  const sites = new Set<Site>();
  const unknown: string[] = [];
  for (const part of value.split(';')) {
    const word = part.trim().toLowerCase();
    if (!word) continue;
    const site = siteIds.find(
      (id) => id === word || t.common.sites[id].toLowerCase() === word || siteLongName(id) === word,
    );
    if (site) sites.add(site);
    else unknown.push(part.trim());
  }
  return { sites: siteIds.filter((id) => sites.has(id)), unknown };
}

const siteLongName = (site: Site) => `cambridge ${t.common.sites[site].toLowerCase()}`;

/**
 * Checks every row as the API would (and more: the whole file at once), setting `user` on the
 * rows that can be sent and `problems` on the others. A repeated email is a problem on every
 * row after the first with it.
 */
export function checkRows(rows: ImportRow[], eligibleSites: readonly Site[]) {
  const firstLineOf = new Map<string, number>();
  const r = t.csv.row;
  for (const row of rows) {
    const problems = row.problems;
    const isAdmin = readAdmin(row.admin);
    if (isAdmin === undefined) problems.push(r.admin(row.admin.trim()));
    const { sites, unknown } = readSites(row.sites);
    if (unknown.length)
      problems.push(
        unknown.length === 1
          ? r.unknownSite(formatList(unknown))
          : r.unknownSites(formatList(unknown)),
      );
    const notEligible = sites.filter((site) => !eligibleSites.includes(site));
    if (notEligible.length)
      problems.push(
        r.notEligible(
          formatList(notEligible.map((site) => t.common.cambridgeSite(t.common.sites[site]))),
        ),
      );

    const parsed = NewUserRowSchema.safeParse({
      name: row.name,
      email: row.email,
      isAdmin: isAdmin ?? false,
      sites: sites.filter((site) => eligibleSites.includes(site)),
    });
    if (!parsed.success) {
      const seen = new Set<string>();
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        if (seen.has(field)) continue;
        seen.add(field);
        if (field === 'name') problems.push(nameWords(issue.code, row.name));
        else if (field === 'email') problems.push(emailWords(issue.code, row.email));
        else problems.push(r.invalid);
      }
    }

    const email = EmailSchema.safeParse(row.email);
    if (email.success) {
      const first = firstLineOf.get(email.data);
      if (first === undefined) firstLineOf.set(email.data, row.line);
      else problems.push(r.duplicate(formatNumber(first)));
    }
    if (parsed.success && problems.length === 0) row.user = parsed.data as NewUser;
  }
}

function nameWords(code: string, name: string): string {
  if (!name.trim()) return t.csv.row.nameMissing;
  if (code === 'too_big') return t.csv.row.nameTooLong;
  return t.csv.row.nameCharacters;
}

function emailWords(code: string, email: string): string {
  if (!email.trim()) return t.csv.row.emailMissing;
  if (code === 'too_big') return t.csv.row.emailTooLong;
  return t.csv.row.emailFormat(email.trim());
}

// ---------------------------------------------------------------------------------------------
// Sending

export function chunksOf<T>(items: readonly T[], size = importLimits.chunkSize): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    chunks.push(items.slice(start, start + size));
  return chunks;
}

const hex = (buffer: ArrayBuffer) =>
  Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/**
 * The Idempotency-Key of one chunk: the same centre, file, chunk and rows always give the
 * same key, so a chunk sent again (a retry, or the same file imported again within the API's
 * 24 hours) is answered from the first time instead of inviting anyone twice. The body is in
 * it too: a chunk with other rows (the centre's sites changed) gets a key of its own rather
 * than a conflict.
 */
export async function chunkKey(
  centreId: string,
  fileDigest: string,
  index: number,
  body: string,
  /**
   * Raised only when a chunk's key stayed "in progress" for minutes: a request cut short by
   * the Lambda's timeout leaves it so for the API's 24 hours. A new key is then safe: users
   * that request had added come back as EMAIL_TAKEN ("already exists").
   */
  generation = 0,
): Promise<string> {
  const chunk = generation ? `${index}:${generation}` : `${index}`;
  return `csv-${await sha256Hex(`${centreId}\n${fileDigest}\n${chunk}\n${body}`)}`;
}

/**
 * The positions, in the request, of the rows the API did not attempt (it ran short of time;
 * nothing was done for them): exactly these are to be sent again.
 */
export function notAttemptedIndexes(
  results: readonly { index: number; status: string; error?: { code: string } }[],
): number[] {
  return results
    .filter((result) => result.status === 'failed' && result.error?.code === 'NOT_ATTEMPTED')
    .map((result) => result.index);
}

/** One try at a request, as the sender sees it. */
export type Attempt<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      status: number;
      code: string;
      retryAfterSeconds?: number | undefined;
      error: unknown;
    };

export interface RetryOptions {
  /** Failed tries in all, the first included (answers "still in progress" not counted). */
  tries: number;
  /**
   * How many "still in progress" answers (409 IDEMPOTENCY_CONFLICT with Retry-After) to wait
   * through: the first request is still running on the server, and its answer will come.
   */
  inProgressWaits: number;
  /** The wait after the n-th failure (n from 1) when the answer names none. */
  backoffMs(n: number): number;
  /** The longest wait a Retry-After may ask for. */
  maxWaitMs: number;
  sleep(ms: number): Promise<void>;
  /** Asked before each retry: false stops (the page was left, or Stop was pressed). */
  shouldGoOn(): boolean;
}

export const defaultRetry: RetryOptions = {
  tries: 4,
  // Two minutes at the API's Retry-After of 2 s: a Lambda has 10 s, API Gateway 30 s.
  inProgressWaits: 60,
  backoffMs: (n) => 1_000 * 2 ** (n - 1),
  maxWaitMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  shouldGoOn: () => true,
};

/**
 * Whether a failed request may be sent again as it was: the network, the server (5xx), too
 * many requests (429), or the same key still being worked on (409 with Retry-After).
 */
export function isRetryable(attempt: Extract<Attempt<unknown>, { ok: false }>): boolean {
  return (
    attempt.status === 0 ||
    attempt.status >= 500 ||
    attempt.status === 429 ||
    (attempt.code === 'IDEMPOTENCY_CONFLICT' && attempt.retryAfterSeconds !== undefined)
  );
}

export const isInProgress = (attempt: Attempt<unknown>) =>
  !attempt.ok && attempt.code === 'IDEMPOTENCY_CONFLICT' && attempt.retryAfterSeconds !== undefined;

/** Sends until it works, a few times with backoff (or the answer's Retry-After), then gives up. */
export async function withRetries<T>(
  send: (tryNumber: number) => Promise<Attempt<T>>,
  options: RetryOptions = defaultRetry,
): Promise<Attempt<T> & { tries: number }> {
  let failures = 0;
  let waits = 0;
  for (let tryNumber = 1; ; tryNumber++) {
    const attempt = await send(tryNumber);
    if (isInProgress(attempt)) waits++;
    else failures++;
    if (
      attempt.ok ||
      !isRetryable(attempt) ||
      failures >= options.tries ||
      waits > options.inProgressWaits ||
      !options.shouldGoOn()
    )
      return { ...attempt, tries: tryNumber };
    const wait =
      attempt.retryAfterSeconds !== undefined
        ? Math.min(attempt.retryAfterSeconds * 1_000, options.maxWaitMs)
        : options.backoffMs(failures);
    await options.sleep(wait);
    if (!options.shouldGoOn()) return { ...attempt, tries: tryNumber };
  }
}

/** Seconds from a Retry-After header (a number of seconds or an HTTP date). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

// ---------------------------------------------------------------------------------------------
// The report

export type Outcome =
  | { kind: 'created'; user: User }
  | { kind: 'exists'; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'notSent'; reason: string };

export interface ReportRow {
  line: number;
  name: string;
  email: string;
  outcome: Outcome;
}

/** The words of an outcome, as the report shows and writes them. */
export function outcomeWords(outcome: Outcome): { result: string; details: string } {
  const words = t.csv.report.results;
  switch (outcome.kind) {
    case 'created':
      return { result: words.created, details: t.csv.report.createdDetails };
    case 'exists':
      return { result: words.exists, details: outcome.reason };
    case 'failed':
      return { result: words.failed, details: outcome.reason };
    case 'invalid':
      return { result: words.invalid, details: outcome.reason };
    case 'notSent':
      return { result: words.notSent, details: outcome.reason };
  }
}

/** The report as CSV lines: line, name, email, result, details. */
export function reportCsv(rows: readonly ReportRow[]): string[] {
  const head = t.csv.report.csvHeader;
  return [
    csvLine([head.line, head.name, head.email, head.result, head.details]),
    ...rows.map((row) => {
      const { result, details } = outcomeWords(row.outcome);
      return csvLine([String(row.line), row.name, row.email, result, details]);
    }),
  ];
}
