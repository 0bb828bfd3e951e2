/**
 * The idempotency store against DynamoDB Local, with a clock the test moves: a claim whose
 * function died before completing (a Lambda killed by its timeout) holds the key only for its
 * lease, after which the client's retry is served; a completed reply is replayed for 24 hours.
 */
import { describe, expect, it } from 'vitest';
import { claimLeaseSeconds, idempotencyStore } from '../../functions/core/data/idempotency.js';
import { localDynamoDb } from '../support/emulators.js';
import { hub } from '../support/hub.js';

function storeAt(start: number) {
  let now = start;
  const store = idempotencyStore(
    { client: localDynamoDb(), tableName: hub().tableName },
    () => new Date(now),
  );
  return { store, advance: (seconds: number) => (now += seconds * 1000) };
}

const scope = () => `lease-test-${Math.random().toString(36).slice(2)}`;

describe('idempotency claims', () => {
  it('refuses a retry while the first claim may still be running, and serves it once the lease is over', async () => {
    const { store, advance } = storeAt(Date.now());
    const where = scope();
    expect(await store.begin(where, 'k1', 'body')).toBe('claimed');

    // Within the lease: the first request may still be running.
    advance(claimLeaseSeconds - 5);
    await expect(store.begin(where, 'k1', 'body')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
    });

    // The first request died without completing: after its lease, the retry runs.
    advance(10);
    expect(await store.begin(where, 'k1', 'body')).toBe('claimed');
  });

  it('replays a completed reply for 24 hours, long after the lease', async () => {
    const { store, advance } = storeAt(Date.now());
    const where = scope();
    expect(await store.begin(where, 'k2', 'body')).toBe('claimed');
    const reply = { status: 200, body: { created: 1 } };
    await store.complete(where, 'k2', reply);

    advance(23 * 60 * 60);
    expect(await store.begin(where, 'k2', 'body')).toEqual(reply);
    advance(2 * 60 * 60);
    expect(await store.begin(where, 'k2', 'body')).toBe('claimed');
  });
});
