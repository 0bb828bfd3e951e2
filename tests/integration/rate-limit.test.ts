/**
 * The rate limiter against DynamoDB Local, with a clock the test moves: taking an attempt is
 * one conditional UpdateItem, so of 30 parallel attempts exactly the limit get through, the
 * others are refused with 429 and a Retry-After to the window's end, and a refused attempt
 * is not counted. Where only failures count, attempts that did not fail are given back.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Limit, rateLimiter } from '../../functions/core/data/rate-limit.js';
import { ProblemError } from '../../functions/core/errors.js';
import { localDynamoDb } from '../support/emulators.js';
import { hub } from '../support/hub.js';

const windowSeconds = 600;
const limit: Limit = { scope: 'limiter-test', attempts: 5, windowSeconds };

function limiterAt(start: number) {
  let now = start;
  const limiter = rateLimiter(
    { client: localDynamoDb(), tableName: hub().tableName },
    () => new Date(now),
  );
  return { limiter, advance: (seconds: number) => (now += seconds * 1000) };
}

/** The start of a window, so that the whole test stays inside it. */
const windowStart = () => {
  const now = Math.floor(Date.now() / 1000);
  return (now - (now % windowSeconds)) * 1000;
};

const outcomes = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((result) =>
    result.status === 'fulfilled'
      ? 'allowed'
      : result.reason instanceof ProblemError
        ? `${result.reason.status} ${result.reason.code}`
        : String(result.reason),
  );

const count = (list: string[], value: string) => list.filter((item) => item === value).length;

describe('the rate limiter', () => {
  it('lets exactly the limit of 30 parallel attempts through, refuses the rest with 429 and Retry-After, and opens again in the next window', async () => {
    // Arrange
    const { limiter, advance } = limiterAt(windowStart() + 100_000);
    const subject = randomUUID();

    // Act
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, () => limiter.take(limit, subject)),
    );

    // Assert: 5 allowed, 25 refused, nothing else
    const seen = outcomes(settled);
    expect(count(seen, 'allowed')).toBe(5);
    expect(count(seen, '429 RATE_LIMITED')).toBe(25);
    const refusal = settled.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect((refusal.reason as ProblemError).headers).toEqual({
      'retry-after': String(windowSeconds - 100),
    });
    // Another subject is not affected; the next window starts afresh.
    await expect(limiter.take(limit, randomUUID())).resolves.toBeDefined();
    advance(windowSeconds);
    await expect(limiter.take(limit, subject)).resolves.toBeDefined();
  });

  it('runs at most the limit of 30 parallel failing attempts, and gives back the attempts that did not fail', async () => {
    // Arrange
    const { limiter } = limiterAt(windowStart() + 1_000);
    const subject = randomUUID();
    let ran = 0;
    const wrong = () =>
      limiter.counting(
        limit,
        subject,
        async () => {
          ran++;
          throw new ProblemError('INVALID_CREDENTIALS');
        },
        (error) => error instanceof ProblemError && error.code === 'INVALID_CREDENTIALS',
      );
    const right = () =>
      limiter.counting(
        limit,
        subject,
        async () => 'ok',
        () => true,
      );

    // Act: attempts that succeed first, many times over the limit; then 30 failing at once
    for (let i = 0; i < limit.attempts * 2; i++) expect(await right()).toBe('ok');
    const settled = await Promise.allSettled(Array.from({ length: 30 }, wrong));

    // Assert: successes were given back, so exactly 5 failing attempts ran
    const seen = outcomes(settled);
    expect(ran).toBe(5);
    expect(count(seen, '401 INVALID_CREDENTIALS')).toBe(5);
    expect(count(seen, '429 RATE_LIMITED')).toBe(25);
    await expect(right()).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});
