import { createServer } from 'node:net';

/**
 * A port that was free on 127.0.0.1 a moment ago. There is an unavoidable race between
 * closing our probe socket and the emulator binding it; the kernel does not hand the
 * same ephemeral port out again straight away, so in practice it is fine for tests.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: no TCP address'));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}
