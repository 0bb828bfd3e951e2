import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isPortConflict } from '../../infra/local/emulators/ports.js';

// A port the kernel gives for port 0 is an ephemeral one, the range it also hands to every
// outgoing connection: an emulator told such a port can lose it to a client socket before it
// binds (EADDRINUSE, seen once in CI). freePort draws below that range instead.
const ephemeralLow = Number(
  readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
);

describe('freePort', () => {
  it('hands out distinct, bindable ports below the ephemeral range', async () => {
    const ports = await Promise.all(Array.from({ length: 16 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20000);
      expect(port).toBeLessThan(ephemeralLow);
    }
    // Each can really be bound on 127.0.0.1.
    for (const port of ports.slice(0, 3)) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('tells a lost port from other start failures', () => {
    expect(
      isPortConflict(new Error('listen EADDRINUSE: address already in use 127.0.0.1:21000')),
    ).toBe(true);
    expect(
      isPortConflict(
        new Error(
          'DynamoDB Local exited during start-up:\njava.net.BindException: Address already in use',
        ),
      ),
    ).toBe(true);
    expect(isPortConflict(new Error('cognito-local did not answer within 20000 ms'))).toBe(false);
  });
});
