// A front for the local SES (aws-ses-v2-local) that can refuse: the handlers' SES endpoint
// locally, passing every request on to the emulator except a SendEmail to an address a test
// (or a person trying the console) has told it to refuse. aws-ses-v2-local accepts everything;
// SES in AWS throttles (the account's sending rate), rejects (MessageRejected) and is
// sometimes unavailable, and the outbox's sender must be shown to handle each.
//
//   POST   /_faults  { "to": address, "code": "Throttling", "times": 2 }   (times: omit = always)
//   DELETE /_faults?to=address
//   GET    /_faults/sends?to=address  → { "attempts": n, "refused": m }   (every SendEmail seen)
//
// The answers are SES's own (the Query protocol's XML error document), so the AWS SDK parses
// them as it parses SES's, retries what it retries, and names the error as SES would.
// A DELETE answers 204; every SendEmail is counted, refused or passed.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handle } from './process.js';

/** The refusals this front can answer with, and SES's status and message for each. */
export const sesFaults = {
  Throttling: { status: 400, type: 'Sender', message: 'Maximum sending rate exceeded.' },
  MessageRejected: {
    status: 400,
    type: 'Sender',
    message: 'Email address is not verified. The following identities failed the check.',
  },
  ServiceUnavailable: { status: 503, type: 'Receiver', message: 'Service is unavailable.' },
} as const;
export type SesFaultCode = keyof typeof sesFaults;

interface Fault {
  code: SesFaultCode;
  /** Sends still to refuse; Infinity until cleared. */
  remaining: number;
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * The recipients of a SendEmail (SES v1, form-encoded Query: what `sesMailer` sends), else
 * none: every other request passes untouched.
 */
function recipientsOf(body: Buffer): string[] {
  const form = new URLSearchParams(body.toString('utf8'));
  if (form.get('Action') !== 'SendEmail') return [];
  return [...form.entries()]
    .filter(([name]) => /^Destination\.(To|Cc|Bcc)Addresses\.member\.\d+$/.test(name))
    .map(([, value]) => value);
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
};

function refuse(response: ServerResponse, code: SesFaultCode) {
  const { status, type, message } = sesFaults[code];
  response.writeHead(status, { 'Content-Type': 'text/xml' });
  response.end(
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type>` +
      `<Code>${code}</Code><Message>${message}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

export async function startSesFaults(options: { upstream: string }): Promise<Handle> {
  const faults = new Map<string, Fault>();
  const seen = new Map<string, { attempts: number; refused: number }>();
  const key = (address: string) => address.toLowerCase();

  const control = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const to = url.searchParams.get('to');
    if (request.method === 'GET' && url.pathname === '/_faults/sends' && to)
      return json(response, 200, seen.get(key(to)) ?? { attempts: 0, refused: 0 });
    if (request.method === 'DELETE' && url.pathname === '/_faults' && to) {
      faults.delete(key(to));
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/_faults') {
      const asked = JSON.parse((await readBody(request)).toString('utf8') || '{}') as {
        to?: string;
        code?: string;
        times?: number;
      };
      if (!asked.to || !asked.code || !(asked.code in sesFaults))
        return json(response, 400, { message: `to and code (${Object.keys(sesFaults)}) needed` });
      faults.set(key(asked.to), {
        code: asked.code as SesFaultCode,
        remaining: asked.times ?? Number.POSITIVE_INFINITY,
      });
      return json(response, 201, { to: asked.to, code: asked.code, times: asked.times ?? null });
    }
    return json(response, 404, { message: 'not a fault route' });
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const handled = url.pathname.startsWith('/_faults')
      ? control(request, response, url)
      : (async () => {
          const body = await readBody(request);
          const sends = recipientsOf(body).map((address) => {
            const counts = seen.get(key(address)) ?? { attempts: 0, refused: 0 };
            counts.attempts++;
            seen.set(key(address), counts);
            return { counts, fault: faults.get(key(address)) };
          });
          const refused = sends.find(({ fault }) => fault && fault.remaining > 0);
          if (refused?.fault) {
            refused.fault.remaining--;
            refused.counts.refused++;
            return refuse(response, refused.fault.code);
          }
          const headers = Object.fromEntries(
            Object.entries(request.headers).filter(
              (entry): entry is [string, string] =>
                typeof entry[1] === 'string' &&
                entry[0] !== 'host' &&
                entry[0] !== 'content-length',
            ),
          );
          const passed = await fetch(`${options.upstream}${request.url ?? '/'}`, {
            method: request.method,
            headers,
            body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
          });
          response.writeHead(passed.status, {
            'Content-Type': passed.headers.get('content-type') ?? 'text/plain',
          });
          response.end(Buffer.from(await passed.arrayBuffer()));
        })();
    handled.catch((error: unknown) => {
      if (!response.headersSent) json(response, 502, { message: (error as Error).message });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Tells the front to refuse sends to `to` (every one, or the next `times`). */
export async function injectSesFault(
  front: string,
  fault: { to: string; code: SesFaultCode; times?: number },
) {
  const response = await fetch(`${front}/_faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (response.status !== 201) throw new Error(`SES fault not set: ${await response.text()}`);
}

export async function clearSesFault(front: string, to: string) {
  await fetch(`${front}/_faults?to=${encodeURIComponent(to)}`, { method: 'DELETE' });
}

/** How many SendEmail requests to `to` reached the front, and how many it refused. */
export async function sesSendsTo(front: string, to: string) {
  const response = await fetch(`${front}/_faults/sends?to=${encodeURIComponent(to)}`);
  return (await response.json()) as { attempts: number; refused: number };
}
