/**
 * `npm start` as an operator meets it: it prints where things are, a second start fails
 * with a clear message instead of hanging, and SIGTERM stops every process it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators/ports.js';
import { portSettings } from '../../infra/local/stack.js';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

function start(env: Record<string, string>) {
  // The documented command itself: `npm start`, whose process is what an operator signals.
  const child = spawn('npm', ['start', '--silent'], {
    // Its own process group, so a failed test can still stop everything it started.
    detached: true,
    env: { ...process.env, ...env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

async function waitFor(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running)
    if (child.pid)
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
});

describe('npm start', () => {
  it('prints the console, the API, the inbox and the support login, refuses a second start, and stops everything on SIGTERM', async () => {
    const env: Record<string, string> = {
      HUB_SUPPORT_EMAIL: 'desk@hub.example',
      HUB_SUPPORT_PASSWORD: 'Desk-Password-2026',
    };
    const ports: number[] = [];
    for (const { variable } of Object.values(portSettings)) {
      const port = await freePort();
      env[variable] = String(port);
      ports.push(port);
    }

    const first = start(env);
    running.push(first.child);
    await waitFor(() => first.output().includes('Press Ctrl-C to stop'), 50_000);
    expect(first.output()).toContain(`Console        http://127.0.0.1:${env.HUB_CONSOLE_PORT}`);
    expect(first.output()).toContain(`http://127.0.0.1:${env.PORT}`);
    expect(first.output()).toContain(`http://127.0.0.1:${env.HUB_MAIL_PORT}/`);
    expect(first.output()).toContain('desk@hub.example / Desk-Password-2026');
    const health = await fetch(`http://127.0.0.1:${env.PORT}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    // The console is there, told where the API is, and any page path answers its index.html.
    const consoleUrl = `http://127.0.0.1:${env.HUB_CONSOLE_PORT}`;
    const config = await fetch(`${consoleUrl}/config.json`);
    expect(await config.json()).toEqual({ apiUrl: `http://127.0.0.1:${env.PORT}` });
    const page = await fetch(`${consoleUrl}/centres/GB001/users`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<div id="root">');
    const login = await fetch(`http://127.0.0.1:${env.PORT}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'desk@hub.example', password: 'Desk-Password-2026' }),
    });
    // Support staff set an authenticator app up at their first sign-in: no token before.
    expect(await login.json()).toEqual({
      challenge: 'MFA_SETUP',
      session: expect.any(String),
      secret: expect.any(String),
      otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//),
    });

    const second = start(env);
    running.push(second.child);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already in use.*Is the School Support Hub already running\?/s);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    for (const port of ports) expect(await portOpen(port), `port ${port}`).toBe(false);
  }, 120_000);
});
