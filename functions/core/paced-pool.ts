/**
 * Runs one piece of work per item, a bounded number at a time (a rolling pool: a worker takes
 * the next item as soon as its last one ends, never waiting for a whole wave), starts spaced
 * out to a rate, and no start once `mayStart` says no (a deadline). Items never started are
 * reported as such, so the caller can answer them "not attempted"; work already started
 * always runs to its end, whatever it answers.
 */

export interface PoolClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realPoolClock: PoolClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PoolOptions {
  /** Most pieces of work running at once. */
  concurrency: number;
  /** Fewest milliseconds between two starts (0: no pacing). */
  minStartIntervalMs: number;
  /** Asked just before each start: false stops every start from then on. */
  mayStart(): boolean;
  clock?: PoolClock;
}

/** Per item, in the items' order: how its work settled, or `undefined` when it never started. */
export type PoolResult<R> = PromiseSettledResult<R> | undefined;

export async function runPaced<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  options: PoolOptions,
): Promise<PoolResult<R>[]> {
  const clock = options.clock ?? realPoolClock;
  const results: PoolResult<R>[] = new Array(items.length).fill(undefined);
  let next = 0;
  let nextStartAt = clock.now();
  let stopped = false;

  const worker = async () => {
    while (!stopped && next < items.length) {
      const index = next++;
      // The start slot is taken before waiting, so workers waiting together keep the spacing.
      const slot = Math.max(nextStartAt, clock.now());
      nextStartAt = slot + options.minStartIntervalMs;
      const wait = slot - clock.now();
      if (wait > 0) await clock.sleep(wait);
      // Asked after the wait: nothing starts once the deadline has passed, however long it was.
      if (stopped || !options.mayStart()) {
        stopped = true;
        return;
      }
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
