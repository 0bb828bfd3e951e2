/**
 * CSV as RFC 4180 writes it, read and written here without a library: fields separated by
 * commas, records by CRLF (LF and a lone CR are read too), a field in double quotes may hold
 * commas, line breaks and doubled quotes (`""`), and a UTF-8 byte order mark at the start is
 * skipped. Reading is strict where a spreadsheet never writes otherwise (a quote inside an
 * unquoted field, text after a closing quote, a quote never closed): such a file is refused
 * with the line it went wrong on rather than guessed at.
 *
 * Writing guards against formula injection: a cell that a spreadsheet would run as a formula
 * (starting with = + - @, a tab or a carriage return) is written with a leading apostrophe.
 */

export interface CsvRecord {
  /** The file's line (1-based) on which the record starts; a quoted field may span lines. */
  line: number;
  fields: string[];
}

export type CsvSyntaxError = 'unclosedQuote' | 'quoteInField' | 'textAfterQuote';

export type CsvParseResult =
  | { ok: true; records: CsvRecord[] }
  | { ok: false; error: CsvSyntaxError; line: number };

const bom = '\uFEFF';

/**
 * Every record of `text`. Blank lines (nothing at all between two line breaks) are skipped,
 * as is the line break at the end of the file.
 */
export function parseCsv(text: string): CsvParseResult {
  const input = text.startsWith(bom) ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  /** Whether the record so far holds anything (a quoted empty field counts). */
  let started = false;
  let i = 0;
  const length = input.length;

  const endRecord = () => {
    fields.push(field);
    if (started || fields.length > 1 || field !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    started = false;
  };

  while (i < length) {
    const char = input[i];
    if (char === '"') {
      if (field !== '') return { ok: false, error: 'quoteInField', line };
      started = true;
      const openedOn = line;
      i++;
      for (;;) {
        if (i >= length) return { ok: false, error: 'unclosedQuote', line: openedOn };
        const inner = input[i];
        if (inner === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (inner === '\n' || (inner === '\r' && input[i + 1] !== '\n')) line++;
        field += inner;
        i++;
      }
      const next = input[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        return { ok: false, error: 'textAfterQuote', line };
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
      started = true;
      i++;
      continue;
    }
    if (char === '\r' || char === '\n') {
      endRecord();
      i += char === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    field += char;
    i++;
  }
  if (started || field !== '' || fields.length > 0) endRecord();
  return { ok: true, records };
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP's list). */
const formulaStart = /^[=+\-@\t\r]/;

/** One cell, safe to open in a spreadsheet and quoted when RFC 4180 needs it. */
export function csvCell(value: string): string {
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One record, CRLF-terminated as RFC 4180 writes it. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Starts a download of `parts` (CSV lines) as a file: a Blob behind an object URL and a link
 * with the download attribute (no data: URL, nothing the console's CSP forbids). A BOM first,
 * so a spreadsheet reads the file as UTF-8; the parser above skips it when it comes back.
 */
export function downloadCsv(fileName: string, parts: readonly string[]) {
  const blob = new Blob([bom, ...parts], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has the file by then; the URL is only a handle to memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The columns of an import file, and of an export (which adds `status`). */
export const columns = ['name', 'email', 'admin', 'sites'] as const;

/** The support sites in the guide's order, as a file names them. */
export const siteIds = ['primary', 'lower-secondary', 'upper-secondary', 'advanced'] as const;

/** Export's first line: the import's columns plus status, so an export can be imported. */
export const exportHeader = (): string => csvLine([...columns, 'status']);

/** One user as Export writes them: admin yes or no, sites as `primary;lower-secondary`. */
export function exportCsvLine(user: {
  name: string;
  email: string;
  isAdmin: boolean;
  sites: readonly string[];
  status: string;
}): string {
  const sites = siteIds.filter((site) => user.sites.includes(site));
  return csvLine([
    user.name,
    user.email,
    user.isAdmin ? 'yes' : 'no',
    sites.join(';'),
    user.status,
  ]);
}
