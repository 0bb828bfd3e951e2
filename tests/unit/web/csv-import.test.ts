/**
 * Import from CSV and Export, without a browser: the RFC 4180 reader and writer, the file's
 * checks, each row checked with the API's rules, chunking and the Idempotency-Keys, the retry
 * policy, and the report (formula injection escaped). Typechecked by web/tsconfig.json (DOM
 * types, the console's module resolution), not the root one.
 */
import { describe, expect, it } from 'vitest';
import {
  csvCell,
  csvLine,
  exportCsvLine,
  exportHeader,
  parseCsv,
} from '../../../web/src/pages/my-centre/import/csv-format';
import {
  type Attempt,
  checkFileKind,
  chunkKey,
  chunksOf,
  decodeFile,
  type ImportRow,
  importLimits,
  notAttemptedIndexes,
  readAdmin,
  readImport,
  readSites,
  reportCsv,
  retryAfterSeconds,
  withRetries,
} from '../../../web/src/pages/my-centre/import/import-rows';

const fields = (text: string) => {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new Error(`${parsed.error} on line ${parsed.line}`);
  return parsed.records.map((record) => record.fields);
};

describe('parseCsv (RFC 4180)', () => {
  it('reads plain fields, CRLF and LF alike, and skips the final line break', () => {
    expect(fields('a,b,c\r\n1,2,3\r\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(fields('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields('a,b\r1,2\r')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    expect(fields('name,note\r\n"Lovelace, Ada","She said ""hello"""\r\n"two\r\nlines",x')).toEqual(
      [
        ['name', 'note'],
        ['Lovelace, Ada', 'She said "hello"'],
        ['two\r\nlines', 'x'],
      ],
    );
    expect(fields('"",""\n')).toEqual([['', '']]);
  });

  it('keeps empty fields, skips a UTF-8 BOM and blank lines', () => {
    expect(fields('\uFEFFname,email\n\nAda,,\n\r\n,\n')).toEqual([
      ['name', 'email'],
      ['Ada', '', ''],
      ['', ''],
    ]);
  });

  it('numbers each record by the line it starts on', () => {
    const parsed = parseCsv('h\n"a\nb"\n\nc\n');
    expect(parsed.ok && parsed.records.map((record) => record.line)).toEqual([1, 2, 5]);
  });

  it('refuses what no spreadsheet writes, with the line', () => {
    expect(parseCsv('a,b\n"open,x\ny')).toEqual({ ok: false, error: 'unclosedQuote', line: 2 });
    expect(parseCsv('a,b\nab"c,d')).toEqual({ ok: false, error: 'quoteInField', line: 2 });
    expect(parseCsv('a\n\n"x"y')).toEqual({ ok: false, error: 'textAfterQuote', line: 3 });
  });

  it('reads back what csvLine writes', () => {
    const cells = ['plain', 'with, comma', 'with "quotes"', 'two\nlines', '', ' spaced '];
    expect(fields(csvLine(cells))).toEqual([cells]);
  });
});

describe('csvCell: formula injection', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+44 20', "'+44 20"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', '"\'\rx"'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['Ada Lovelace', 'Ada Lovelace'],
    ['a=b', 'a=b'],
  ])('%j is written %j', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it('escapes the report and the export too', () => {
    const report = reportCsv([
      {
        line: 2,
        name: '=cmd|calc',
        email: 'a@school.org',
        outcome: { kind: 'invalid', reason: '-x' },
      },
    ]);
    expect(report[0]).toBe('line,name,email,result,details\r\n');
    expect(report[1]).toBe("2,'=cmd|calc,a@school.org,Not imported,'-x\r\n");
    expect(exportHeader()).toBe('name,email,admin,sites,status\r\n');
    expect(
      exportCsvLine({
        name: '@Ada',
        email: 'ada@school.org',
        isAdmin: true,
        sites: ['lower-secondary', 'primary'],
        status: 'invited',
      }),
    ).toBe("'@Ada,ada@school.org,yes,primary;lower-secondary,invited\r\n");
  });
});

describe('the file', () => {
  it('must be a CSV file, not empty, not too big', () => {
    expect(checkFileKind({ name: 'users.csv', type: 'text/csv', size: 10 })).toBeNull();
    expect(checkFileKind({ name: 'USERS.CSV', type: '', size: 10 })).toBeNull();
    expect(
      checkFileKind({ name: 'users.csv', type: 'application/vnd.ms-excel', size: 10 }),
    ).toBeNull();
    expect(checkFileKind({ name: 'users.xlsx', type: 'application/zip', size: 10 })).toMatch(
      /users\.xlsx is not a CSV file/,
    );
    expect(checkFileKind({ name: 'photo.csv', type: 'image/png', size: 10 })).toMatch(
      /not a CSV file/,
    );
    expect(checkFileKind({ name: 'users.csv', type: 'text/csv', size: 0 })).toBe(
      'The file is empty.',
    );
    expect(checkFileKind({ name: 'users.csv', type: 'text/csv', size: 2 * 1024 * 1024 })).toMatch(
      /larger than 1 MB/,
    );
  });

  it('must be UTF-8 text', () => {
    expect(decodeFile(new TextEncoder().encode('name,email\nZoë,z@s.org'))).toEqual({
      text: 'name,email\nZoë,z@s.org',
    });
    expect(decodeFile(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00]))).toEqual({
      refusal: expect.stringMatching(/not a text file/),
    });
    expect(decodeFile(new Uint8Array([0x6e, 0xe9, 0x0a]))).toEqual({
      refusal: expect.stringMatching(/not in UTF-8/),
    });
  });

  it('must name every column, in any order, once; other columns are ignored', () => {
    const read = readImport('Sites,EMAIL,status,admin,name\nprimary,a@school.org,active,yes,Ada', [
      'primary',
    ]);
    expect(read.ok && read.rows[0]?.user).toEqual({
      name: 'Ada',
      email: 'a@school.org',
      isAdmin: true,
      sites: ['primary'],
    });
    expect(readImport('name,email,sites\nAda,a@school.org,', [])).toEqual({
      ok: false,
      refusal: 'The first line must name the columns name, email, admin and sites. Missing: admin.',
    });
    expect(readImport('name,email,email,admin,sites\n', [])).toMatchObject({
      ok: false,
      refusal: expect.stringMatching(/email is named twice/),
    });
    expect(readImport('name,email,admin,sites\r\n', [])).toMatchObject({
      ok: false,
      refusal: expect.stringMatching(/no users/),
    });
    expect(readImport('name,email,admin,sites\n"Ada,a@school.org,no,', [])).toMatchObject({
      ok: false,
      refusal: expect.stringMatching(/starts on line 2 is never closed/),
    });
  });

  it('holds at most 1,000 users', () => {
    const line = (n: number) => `User ${n},user${n}@school.org,no,`;
    const body = (count: number) =>
      ['name,email,admin,sites', ...Array.from({ length: count }, (_, n) => line(n))].join('\n');
    const thousand = readImport(body(1000), []);
    expect(thousand.ok && thousand.rows.filter((row) => row.user)).toHaveLength(1000);
    expect(readImport(body(1001), [])).toMatchObject({
      ok: false,
      refusal: expect.stringMatching(/1,001 users; at most 1,000/),
    });
  });
});

describe('each row, checked as the API checks it', () => {
  const rowsOf = (lines: string[], eligible: ('primary' | 'lower-secondary')[] = ['primary']) => {
    const read = readImport(['name,email,admin,sites', ...lines].join('\r\n'), eligible);
    if (!read.ok) throw new Error(read.refusal);
    return read.rows;
  };
  const problems = (row: ImportRow | undefined) => row?.problems ?? [];

  it('reads admin as yes/no or true/false in any case; empty is no', () => {
    expect(['yes', 'YES', 'True', ' true '].map(readAdmin)).toEqual([true, true, true, true]);
    expect(['no', 'No', 'FALSE', '', ' no '].map(readAdmin)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['maybe', 'y', '1'].map(readAdmin)).toEqual([undefined, undefined, undefined]);
  });

  it('reads sites by id or by the guide name, separated by semicolons', () => {
    expect(readSites('lower-secondary; Primary ;')).toEqual({
      sites: ['primary', 'lower-secondary'],
      unknown: [],
    });
    expect(readSites('Cambridge Primary;art')).toEqual({ sites: ['primary'], unknown: ['art'] });
    expect(readSites('')).toEqual({ sites: [], unknown: [] });
  });

  it('marks each invalid row with its reason, and keeps the valid ones', () => {
    const rows = rowsOf([
      'Ada Lovelace,ADA@School.org ,yes,primary',
      ',nobody@school.org,no,',
      'Bad Email,not-an-email,no,',
      'Again,ada@school.org,no,',
      'Angle <b>,angle@school.org,no,',
      'Admin Word,admin@school.org,perhaps,',
      'Site Ineligible,site@school.org,no,lower-secondary',
      'Site Unknown,unknown@school.org,no,maths',
      'Short Line,short@school.org',
    ]);
    expect(rows[0]?.user).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@school.org',
      isAdmin: true,
      sites: ['primary'],
    });
    expect(rows[0]?.line).toBe(2);
    expect(problems(rows[1])).toEqual(['Enter a name.']);
    expect(problems(rows[2])).toEqual([
      'not-an-email is not an email address in the correct format, like name@school.org.',
    ]);
    expect(problems(rows[3])).toEqual([
      'This email address is also on line 2. Each user needs their own email address.',
    ]);
    expect(problems(rows[4])).toEqual([
      'The name must not contain the characters < or > or line breaks.',
    ]);
    expect(problems(rows[5])).toEqual(['admin must be yes or no, not perhaps.']);
    expect(problems(rows[6])).toEqual([
      'Your centre is not eligible for Cambridge Lower Secondary.',
    ]);
    expect(problems(rows[7])[0]).toMatch(/^maths is not a support site/);
    expect(problems(rows[8])).toEqual(['This line has 2 values; the first line has 4.']);
    expect(rows.filter((row) => row.user)).toHaveLength(1);
    expect(rows.filter((row) => !row.user && row.problems.length === 0)).toHaveLength(0);
  });

  it('refuses a name too long and a line break inside a name, as the API does', () => {
    const rows = rowsOf([
      `${'x'.repeat(101)},long@school.org,no,`,
      '"Two\nLines",two@school.org,no,',
    ]);
    expect(problems(rows[0])).toEqual(['The name must be 100 characters or fewer.']);
    expect(problems(rows[1])).toEqual([
      'The name must not contain the characters < or > or line breaks.',
    ]);
  });
});

describe('sending', () => {
  it('chunks at most 100 rows (50 by default), in order', () => {
    const items = Array.from({ length: 250 }, (_, n) => n);
    expect(importLimits.chunkSize).toBeLessThanOrEqual(100);
    expect(chunksOf(items).map((chunk) => chunk.length)).toEqual([50, 50, 50, 50, 50]);
    const chunks = chunksOf(items, 100);
    expect(chunks.map((chunk) => chunk.length)).toEqual([100, 100, 50]);
    expect(chunks.flat()).toEqual(items);
    expect(chunksOf([])).toEqual([]);
  });

  it('finds exactly the rows answered NOT_ATTEMPTED, to send again', () => {
    const results = [
      { index: 0, status: 'created' },
      { index: 1, status: 'failed', error: { code: 'EMAIL_TAKEN' } },
      { index: 2, status: 'failed', error: { code: 'NOT_ATTEMPTED' } },
      { index: 3, status: 'failed', error: { code: 'SERVICE_UNAVAILABLE' } },
      { index: 4, status: 'failed', error: { code: 'NOT_ATTEMPTED' } },
    ];
    expect(notAttemptedIndexes(results)).toEqual([2, 4]);
    expect(notAttemptedIndexes(results.slice(0, 2))).toEqual([]);
    expect(importLimits.notAttemptedResends).toBeGreaterThan(0);
  });

  it('gives each chunk a key of its own, the same every time', async () => {
    const body = JSON.stringify({ users: [{ name: 'Ada', email: 'a@school.org' }] });
    const key = await chunkKey('GB001', 'digest', 0, body);
    expect(key).toMatch(/^csv-[0-9a-f]{64}$/);
    expect(key).toMatch(/^[A-Za-z0-9_.:-]{8,128}$/);
    expect(await chunkKey('GB001', 'digest', 0, body)).toBe(key);
    expect(await chunkKey('GB001', 'digest', 1, body)).not.toBe(key);
    expect(await chunkKey('GB002', 'digest', 0, body)).not.toBe(key);
    expect(await chunkKey('GB001', 'other', 0, body)).not.toBe(key);
    expect(await chunkKey('GB001', 'digest', 0, `${body} `)).not.toBe(key);
    // A new generation (after a key stuck "in progress") is a new key, the same every time.
    const next = await chunkKey('GB001', 'digest', 0, body, 1);
    expect(next).not.toBe(key);
    expect(await chunkKey('GB001', 'digest', 0, body, 1)).toBe(next);
  });

  const failure = (status: number, code: string, retryAfterSeconds?: number): Attempt<string> => ({
    ok: false,
    status,
    code,
    retryAfterSeconds,
    error: new Error(code),
  });
  const options = (waits: number[], goOn = () => true) => ({
    tries: 4,
    inProgressWaits: 3,
    backoffMs: (n: number) => 1_000 * 2 ** (n - 1),
    maxWaitMs: 30_000,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
    shouldGoOn: goOn,
  });

  it('retries the network, 5xx and 429 with backoff or Retry-After, then succeeds', async () => {
    const waits: number[] = [];
    const answers = [
      failure(0, 'NETWORK'),
      failure(503, 'SERVICE_UNAVAILABLE'),
      failure(429, 'RATE_LIMITED', 5),
    ];
    const result = await withRetries(
      async () => answers.shift() ?? { ok: true, value: 'done' },
      options(waits),
    );
    expect(result).toEqual({ ok: true, value: 'done', tries: 4 });
    expect(waits).toEqual([1_000, 2_000, 5_000]);
  });

  it('gives up after the last try, and never retries a refusal', async () => {
    const waits: number[] = [];
    let sent = 0;
    const down = await withRetries(async () => {
      sent++;
      return failure(500, 'INTERNAL');
    }, options(waits));
    expect(down).toMatchObject({ ok: false, status: 500, tries: 4 });
    expect(sent).toBe(4);
    expect(waits).toEqual([1_000, 2_000, 4_000]);

    sent = 0;
    const refused = await withRetries(async () => {
      sent++;
      return failure(400, 'VALIDATION_FAILED');
    }, options([]));
    expect(refused).toMatchObject({ ok: false, tries: 1 });
    // A key used with other rows is a conflict to report; the same key still running is waited for.
    expect(
      await withRetries(async () => failure(409, 'IDEMPOTENCY_CONFLICT'), options([])),
    ).toMatchObject({
      tries: 1,
    });
    expect(
      await withRetries(async () => failure(409, 'IDEMPOTENCY_CONFLICT', 2), options([])),
    ).toMatchObject({ tries: 4 });
  });

  it('waits through "still in progress" answers without counting them as failures', async () => {
    const waits: number[] = [];
    const answers = [
      failure(500, 'INTERNAL'),
      failure(409, 'IDEMPOTENCY_CONFLICT', 2),
      failure(409, 'IDEMPOTENCY_CONFLICT', 2),
      failure(409, 'IDEMPOTENCY_CONFLICT', 2),
      failure(503, 'SERVICE_UNAVAILABLE'),
      failure(409, 'IDEMPOTENCY_CONFLICT', 2),
    ];
    const result = await withRetries(
      async () => answers.shift() ?? { ok: true, value: 'replayed' },
      { ...options(waits), inProgressWaits: 10 },
    );
    expect(result).toEqual({ ok: true, value: 'replayed', tries: 7 });
    expect(waits).toEqual([1_000, 2_000, 2_000, 2_000, 2_000, 2_000]);
  });

  it('caps a long Retry-After and stops when told to', async () => {
    const waits: number[] = [];
    let goOn = true;
    const result = await withRetries(
      async () => {
        const answer = failure(429, 'RATE_LIMITED', 3600);
        goOn = false;
        return answer;
      },
      options(waits, () => goOn),
    );
    expect(result).toMatchObject({ ok: false, tries: 1 });
    const capped: number[] = [];
    await withRetries(async () => failure(429, 'RATE_LIMITED', 3600), {
      ...options(capped),
      tries: 2,
    });
    expect(capped).toEqual([30_000]);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
  });
});
