import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports for emulators that must be told their port before they start (DynamoDB Local is a
 * JVM that takes `-port`, cognito-local reads `PORT`), so they cannot simply bind port 0.
 *
 * A port the kernel handed out for port 0 comes from the ephemeral range, and the kernel
 * hands the same range to every outgoing connection: in the gap between closing the probe and
 * the emulator binding, a client socket (a test's HTTP call, Chromium, npm) may take it as
 * its local port, and the emulator dies with EADDRINUSE. That was seen once in a clean-clone
 * CI run. So the port is drawn below the ephemeral range, where the kernel never picks local
 * ports on its own, and is probed before it is handed out. Another process choosing the same
 * port in the same instant remains possible; `startLocalStack` retries with new ports then.
 */
const fallbackEphemeralLow = 32768;
const lowestPort = 20000;
const handedOut = new Set<number>();

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return low !== undefined && Number.isInteger(low) && low > lowestPort + 1000
      ? low
      : fallbackEphemeralLow;
  } catch {
    return fallbackEphemeralLow;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** A port below the ephemeral range that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = lowestPort + Math.floor(Math.random() * (high - lowestPort));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`freePort: no free port between ${lowestPort} and ${high} on 127.0.0.1`);
}

/** True when an emulator failed to start because its port was taken. */
export function isPortConflict(error: unknown): boolean {
  const text =
    error instanceof Error ? `${error.name} ${error.message} ${error.stack}` : String(error);
  return /EADDRINUSE|address already in use|BindException/i.test(text);
}
