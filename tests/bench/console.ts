/**
 * The console's bundle sizes, from Vite's build manifest: each page's own chunk, and what a
 * browser loads for a page (the entry, the page's chunk and everything they import
 * statically). The budget of the first visit, sign-in then the Users page, is 150 KB gzip.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildConsole } from '../../infra/local/console.js';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  css?: string[];
  src?: string;
}
type Manifest = Record<string, ManifestChunk>;

export interface ConsoleBundleReport {
  chunks: { name: string; file: string; bytes: number; gzip: number }[];
  firstLoads: { name: string; files: string[]; bytes: number; gzip: number; budgetGzip?: number }[];
}

export const firstVisitBudgetGzip = 150 * 1024;

/** Every JavaScript file a chunk brings with it, itself included. */
function closure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) closure(manifest, imported, seen);
  return seen;
}

export async function runConsoleBench(options: {
  log(line: string): void;
}): Promise<ConsoleBundleReport> {
  const { dir } = await buildConsole(options.log);
  const manifest = JSON.parse(
    await readFile(join(dir, '.vite', 'manifest.json'), 'utf8'),
  ) as Manifest;
  const sizes = new Map<string, { bytes: number; gzip: number }>();
  for (const chunk of Object.values(manifest)) {
    const content = await readFile(join(dir, chunk.file));
    sizes.set(chunk.file, { bytes: content.length, gzip: gzipSync(content, { level: 9 }).length });
  }
  const entry = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entry) throw new Error('The console build has no entry chunk');
  const page = (name: string) => {
    const key = Object.keys(manifest).find((k) => k.endsWith(`/${name}.tsx`));
    if (!key) throw new Error(`No chunk for ${name}`);
    return key;
  };
  const load = (name: string, pages: string[], budgetGzip?: number) => {
    const keys = new Set<string>();
    for (const start of [entry, ...pages.map(page)])
      for (const k of closure(manifest, start)) keys.add(k);
    const files = [...keys].map((k) => manifest[k]?.file as string);
    const total = files.reduce(
      (sum, file) => ({
        bytes: sum.bytes + (sizes.get(file)?.bytes ?? 0),
        gzip: sum.gzip + (sizes.get(file)?.gzip ?? 0),
      }),
      { bytes: 0, gzip: 0 },
    );
    return { name, files, ...total, ...(budgetGzip ? { budgetGzip } : {}) };
  };
  return {
    chunks: Object.entries(manifest)
      .filter(([, chunk]) => chunk.file.endsWith('.js'))
      .map(([key, chunk]) => ({
        name: chunk.isEntry
          ? 'entry (every page)'
          : ((chunk.src ?? key)
              .split('/')
              .pop()
              ?.replace(/\.tsx?$/, '') ?? key),
        file: chunk.file,
        ...(sizes.get(chunk.file) ?? { bytes: 0, gzip: 0 }),
      }))
      .sort((a, b) => b.gzip - a.gzip),
    firstLoads: [
      load('sign-in', ['SignInPage']),
      load(
        'sign-in, then Users',
        ['SignInPage', 'MyCentreLayout', 'UsersPage'],
        firstVisitBudgetGzip,
      ),
      load('Add new users (after Users)', [
        'SignInPage',
        'MyCentreLayout',
        'UsersPage',
        'AddUsersPage',
      ]),
    ],
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

export function formatConsoleReport(report: ConsoleBundleReport): string {
  const lines = [
    'Console (web/, Vite production build)',
    '',
    '| what the browser loads | files | size | gzip | budget |',
    '|---|---|---|---|---|',
  ];
  for (const load of report.firstLoads)
    lines.push(
      `| ${load.name} | ${load.files.length} | ${kb(load.bytes)} | ${kb(load.gzip)} | ${
        load.budgetGzip
          ? `${kb(load.budgetGzip)} ${load.gzip <= load.budgetGzip ? '✓' : '✗ OVER'}`
          : ''
      } |`,
    );
  lines.push('', '| chunk | size | gzip |', '|---|---|---|');
  for (const chunk of report.chunks)
    lines.push(`| ${chunk.name} | ${kb(chunk.bytes)} | ${kb(chunk.gzip)} |`);
  return lines.join('\n');
}
