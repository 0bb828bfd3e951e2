/**
 * Issue 4, "Must show" 8: repeated wrong logins, reset codes and current passwords are
 * refused with 429 RATE_LIMITED and a Retry-After header, never a 500; the limit is per email
 * (or per user), so nobody else is affected.
 */
import { describe, expect, it } from 'vitest';
import {
  type Answer,
  api,
  centreWithTeacher,
  emailsTo,
  nextEmailTo,
  secretLine,
  tryLogin,
} from '../support/hub.js';

const expectRateLimited = (answer: Answer) => {
  expect(answer.status, answer.text).toBe(429);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.json.code).toBe('RATE_LIMITED');
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
};

/** Sends `attempt` until it answers 429 (at most `max` times); answers every status seen. */
async function untilRateLimited(max: number, attempt: () => Promise<Answer>) {
  const answers: Answer[] = [];
  for (let i = 0; i < max; i++) {
    const answer = await attempt();
    answers.push(answer);
    if (answer.status === 429) break;
  }
  return answers;
}

describe('guessing is refused with 429', () => {
  it('refuses the 11th wrong login for an email, then even the right password, while another email signs in', async () => {
    // Arrange
    const target = await centreWithTeacher();
    const bystander = await centreWithTeacher();

    // Act
    const answers: Answer[] = [];
    for (let i = 0; i < 11; i++)
      answers.push(await tryLogin(target.user.email, `Wrong-Password-${i}`));
    const rightPassword = await tryLogin(target.user.email, target.password);
    const inCapitals = await tryLogin(target.user.email.toUpperCase(), target.password);
    const other = await tryLogin(bystander.user.email, bystander.password);

    // Assert
    expect(answers.map((a) => a.status).filter((s) => s >= 500)).toEqual([]);
    expect(answers.slice(0, 10).map((a) => a.json?.code)).toEqual(
      new Array(10).fill('INVALID_CREDENTIALS'),
    );
    expectRateLimited(answers[10] as Answer);
    expectRateLimited(rightPassword);
    expectRateLimited(inCapitals);
    expect(other.status).toBe(200);
    // Tokens already issued are not what the limit is about
    expect((await api('GET', '/me', { token: target.tokens.accessToken })).status).toBe(200);
  });

  it('eventually refuses repeated wrong reset codes with 429, never a 500', async () => {
    // Arrange
    const { user, password } = await centreWithTeacher();
    const seen = (await emailsTo(user.email)).length;
    await api('POST', '/auth/forgotten-password', { body: { email: user.email } });
    const code = secretLine(
      (await nextEmailTo(user.email, seen, 10_000)).text,
      'Verification code',
    );
    const wrong = code === '000000' ? '111111' : '000000';

    // Act
    const answers = await untilRateLimited(15, () =>
      api('POST', '/auth/reset-password', {
        body: { email: user.email, code: wrong, newPassword: 'Guessed-Pass-11' },
      }),
    );
    const rightCode = await api('POST', '/auth/reset-password', {
      body: { email: user.email, code, newPassword: 'Guessed-Pass-11' },
    });

    // Assert
    expect(answers.map((a) => a.status).filter((s) => s >= 500)).toEqual([]);
    expect(answers.slice(0, -1).every((a) => a.json?.code === 'INVALID_CODE')).toBe(true);
    expectRateLimited(answers[answers.length - 1] as Answer);
    expectRateLimited(rightCode);
    expect((await tryLogin(user.email, password)).status).toBe(200);
  });

  it('eventually refuses repeated wrong current passwords on /me/password with 429, never a 500', async () => {
    // Arrange
    const { user, tokens, password } = await centreWithTeacher();

    // Act
    const answers = await untilRateLimited(15, () =>
      api('POST', '/me/password', {
        token: tokens.accessToken,
        body: { currentPassword: 'Not-My-Password-1', newPassword: 'Guessed-Pass-12' },
      }),
    );
    const rightPassword = await api('POST', '/me/password', {
      token: tokens.accessToken,
      body: { currentPassword: password, newPassword: 'Guessed-Pass-12' },
    });

    // Assert
    expect(answers.map((a) => a.status).filter((s) => s >= 500)).toEqual([]);
    expect(answers.slice(0, -1).every((a) => a.json?.code === 'WRONG_CURRENT_PASSWORD')).toBe(true);
    expectRateLimited(answers[answers.length - 1] as Answer);
    expectRateLimited(rightPassword);
    expect((await tryLogin(user.email, password)).status).toBe(200);
  });

  it('eventually refuses repeated wrong current passwords on /me/email with 429, never a 500', async () => {
    const { tokens } = await centreWithTeacher();

    const answers = await untilRateLimited(15, () =>
      api('POST', '/me/email', {
        token: tokens.accessToken,
        body: { newEmail: 'somewhere@school.example', currentPassword: 'Not-My-Password-2' },
      }),
    );

    expect(answers.map((a) => a.status).filter((s) => s >= 500)).toEqual([]);
    expectRateLimited(answers[answers.length - 1] as Answer);
  });
});
