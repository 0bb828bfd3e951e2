/**
 * Users › Export: the centre's users matching the current search and filters, read page by
 * page (100 at a time, each page retried like an import's chunk) and downloaded as one CSV
 * file in the import's columns plus status, so an export can be imported elsewhere. Each
 * page becomes CSV lines as it arrives (10,000 users are about 1.5 MB of text).
 */
import { useEffect, useRef, useState } from 'react';
import { ApiProblem, problemWords } from '../../../api/problem';
import { formatNumber, plural, t } from '../../../i18n';
import { useApi } from '../../../session/session';
import type { UserFilters } from '../users';
import { downloadCsv, exportCsvLine, exportHeader } from './csv-format';
import { Progress } from './Progress';

const pageLimit = 100;
const tries = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ExportState =
  | { kind: 'idle' }
  | { kind: 'running'; count: number }
  | { kind: 'done'; count: number; fileName: string }
  | { kind: 'failed'; reason: string };

/** Export's state and its start; the page shows them with ExportButton and ExportStatus. */
export function useUsersExport(centreId: string, filters: UserFilters) {
  const api = useApi();
  const [state, setState] = useState<ExportState>({ kind: 'idle' });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = async () => {
    if (state.kind === 'running') return;
    setState({ kind: 'running', count: 0 });
    const lines = [exportHeader()];
    let cursor: string | undefined;
    let count = 0;
    try {
      do {
        const page = await readPage(cursor);
        if (!mounted.current) return;
        for (const user of page.items) lines.push(exportCsvLine(user));
        count += page.items.length;
        cursor = page.nextCursor ?? undefined;
        setState({ kind: 'running', count });
      } while (cursor);
    } catch (error) {
      if (mounted.current) setState({ kind: 'failed', reason: problemWords(error) });
      return;
    }
    const fileName = t.csv.export.fileName(centreId, new Date().toISOString().slice(0, 10));
    downloadCsv(fileName, lines);
    setState({ kind: 'done', count, fileName });
  };

  /** One page, tried again after a network failure, a 5xx or a 429 (after its Retry-After). */
  const readPage = async (cursor: string | undefined) => {
    for (let tryNumber = 1; ; tryNumber++) {
      const result = await api.GET('/centres/{centreId}/users', {
        params: { path: { centreId }, query: { ...filters, cursor, limit: pageLimit } },
      });
      if (result.data && result.response.ok) return result.data;
      const status = result.response.status === 599 ? 0 : result.response.status;
      const problem = new ApiProblem(status, result.error as never);
      const retryable = status === 0 || status >= 500 || status === 429;
      if (!retryable || tryNumber >= tries || !mounted.current) throw problem;
      const retryAfter = Number(result.response.headers.get('retry-after'));
      await sleep(
        Number.isFinite(retryAfter) && retryAfter > 0
          ? Math.min(retryAfter, 30) * 1_000
          : 1_000 * 2 ** (tryNumber - 1),
      );
    }
  };

  return { state, run };
}

const e = t.csv.export;

export function ExportButton({ state, run }: ReturnType<typeof useUsersExport>) {
  return (
    <>
      <button
        type="button"
        className="button secondary"
        onClick={run}
        disabled={state.kind === 'running'}
        aria-describedby="users-export-hint"
      >
        {e.button}
      </button>
      <span id="users-export-hint" className="visually-hidden">
        {e.buttonHint}
      </span>
    </>
  );
}

/** Export's progress, then its outcome; announced as it changes. */
export function ExportStatus({ state }: { state: ExportState }) {
  return (
    <div className="users-export" aria-live="polite">
      {state.kind === 'running' ? (
        <Progress label={e.label} valueLabel={e.value(formatNumber(state.count))} />
      ) : state.kind === 'done' ? (
        <p className="hint">{plural(state.count, e.done).replace('{file}', state.fileName)}</p>
      ) : state.kind === 'failed' ? (
        <p className="field-error" role="alert">
          {e.failed(state.reason)}
        </p>
      ) : null}
    </div>
  );
}
