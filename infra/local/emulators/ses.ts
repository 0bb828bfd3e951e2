// aws-ses-v2-local (npm) in a child process: SES v1 and v2 APIs, a web inbox at `/`, and
// the sent emails as JSON at `GET /store`. A child process rather than the library in
// process because the library keeps its store in a module-level singleton: two starts in
// one process (parallel tests) would share one inbox.
//
// GET /store answers (v2.10.2, checked by sending with @aws-sdk/client-ses SendEmail):
//   { templates: {}, emails: [{
//       messageId: string, from: string, replyTo: string[],
//       destination: { to: string[], cc: string[], bcc: string[] },
//       subject: string, body: { text?: string, html?: string },
//       attachments: [], headers?: [{ name, value }],
//       at: number            // epoch SECONDS
//   }] }
// `GET /store?since=<epoch seconds>` filters on `at`; `POST /clear-store` empties it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type Handle,
  type LogFn,
  NODE_WATCHDOG_ARGS,
  spawnGuarded,
  waitUntilReady,
} from './process.js';

const require = createRequire(import.meta.url);
// The same rendering the Cognito relay gives the emails Cognito sends as HTML alone.
const { htmlToText } = require('./html-to-text.cjs') as { htmlToText: (html: string) => string };

export interface InboxEmail {
  from: string;
  to: string[];
  subject: string;
  /** Plain-text body; the HTML body stripped of tags when the email has no text part. */
  text: string;
  /** The HTML body, if the email has one. */
  html?: string;
  /** ISO-8601, to the second (the emulator records seconds). */
  at: string;
}

interface StoredEmail {
  messageId?: string;
  from?: string;
  destination?: { to?: string[]; cc?: string[]; bcc?: string[] };
  subject?: string;
  body?: { text?: string; html?: string };
  at?: number;
}

export async function startSesLocal(opts: {
  port: number;
  log?: LogFn;
}): Promise<Handle & { inboxUrl: string }> {
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const cli = join(dirname(require.resolve('aws-ses-v2-local/package.json')), 'dist', 'cli.js');
  const guarded = spawnGuarded(
    process.execPath,
    [...NODE_WATCHDOG_ARGS, cli, '--host', '127.0.0.1', '--port', String(opts.port)],
    { log: opts.log, name: 'ses' },
  );
  await waitUntilReady(
    guarded,
    async () => {
      const res = await fetch(`${endpoint}/health-check`);
      if (!res.ok) throw new Error(`health-check ${res.status}`);
    },
    { name: 'aws-ses-v2-local', timeoutMs: 60_000, intervalMs: 50 },
  );
  return { endpoint, inboxUrl: `${endpoint}/`, pid: guarded.pid, stop: guarded.stop };
}

/** Every email sent so far, oldest first. `to` holds To, Cc and Bcc: everyone who got it. */
export async function readInbox(
  endpoint: string,
  options: {
    /** Only emails stored at or after this time (epoch seconds): the emulator's `since`. */
    since?: number;
    /** Only emails to (or Cc, Bcc) exactly this address, as the email was sent. */
    to?: string;
  } = {},
): Promise<InboxEmail[]> {
  // The store grows with every email the stack sends; a test suite reads it thousands of
  // times, so the emulator filters by time and only the emails asked for are converted.
  const query = options.since === undefined ? '' : `?since=${Math.floor(options.since)}`;
  const res = await fetch(`${endpoint.replace(/\/$/, '')}/store${query}`);
  if (!res.ok) throw new Error(`GET /store answered ${res.status}`);
  const store = (await res.json()) as { emails?: StoredEmail[] };
  const to = options.to;
  const recipients = (e: StoredEmail) => [
    ...(e.destination?.to ?? []),
    ...(e.destination?.cc ?? []),
    ...(e.destination?.bcc ?? []),
  ];
  const wanted = to
    ? (store.emails ?? []).filter((e) => recipients(e).includes(to))
    : (store.emails ?? []);
  return wanted.map((e) => ({
    from: e.from ?? '',
    to: recipients(e),
    subject: e.subject ?? '',
    text: e.body?.text ?? (e.body?.html ? htmlToText(e.body.html) : ''),
    ...(e.body?.html ? { html: e.body.html } : {}),
    at: new Date((e.at ?? 0) * 1000).toISOString(),
  }));
}

export async function clearInbox(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint.replace(/\/$/, '')}/clear-store`, { method: 'POST' });
  if (!res.ok) throw new Error(`POST /clear-store answered ${res.status}`);
}
