/** Fakes of the ports, for services tested without AWS. Each records what it was asked. */
import type { User } from '../../../functions/core/data/user.js';
import type { Email, Identity, Mailer, Tokens } from '../../../functions/core/ports.js';

export function fakeMailer(options: { fail?: boolean } = {}): Mailer & { sent: Email[] } {
  const sent: Email[] = [];
  return {
    sent,
    async send(email) {
      if (options.fail)
        throw Object.assign(new Error('Email address is not verified'), {
          name: 'MessageRejected',
        });
      sent.push(email);
    },
  };
}

/** The console every email of a unit test links to. */
export const consoleUrl = 'https://console.hub.example';

export const fixedClock =
  (iso = '2026-11-28T10:00:00.000Z') =>
  () =>
    new Date(iso);

export function aUser(overrides: Partial<User> = {}): User {
  return {
    userId: 'user-1',
    centreId: 'GB001',
    name: 'Ada Lovelace',
    email: 'ada@school.example',
    isAdmin: false,
    isSupport: false,
    sites: ['primary'],
    status: 'active',
    tokensValidAfter: 0,
    version: 0,
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

export const someTokens = (sub: string, authTime = 1_800_000_000): Tokens => {
  const payload = Buffer.from(
    JSON.stringify({ sub, auth_time: authTime, token_use: 'access' }),
  ).toString('base64url');
  return {
    accessToken: `e30.${payload}.sig`,
    idToken: `e30.${payload}.sig`,
    refreshToken: 'refresh',
    expiresIn: 900,
    tokenType: 'Bearer',
  };
};

export function fakeIdentity(): Identity & {
  users: Map<string, { email: string; password: string }>;
  calls: string[];
} {
  const users = new Map<string, { email: string; password: string }>();
  const calls: string[] = [];
  let next = 1;
  return {
    users,
    calls,
    async createUser(email, password) {
      calls.push(`createUser ${email}`);
      const userId = `sub-${next++}`;
      users.set(userId, { email, password });
      return { userId };
    },
    async findUser(email) {
      for (const [userId, user] of users)
        if (user.email === email) return { userId, createdAt: new Date(0) };
      return undefined;
    },
    async deleteUser(userId) {
      calls.push(`deleteUser ${userId}`);
      users.delete(userId);
    },
    async addToGroup() {},
    async setPassword() {},
    async signIn() {
      throw new Error('not used');
    },
    async signOutEverywhere(userId) {
      calls.push(`signOutEverywhere ${userId}`);
    },
    async disableUser(userId) {
      calls.push(`disableUser ${userId}`);
    },
    async enableUser(userId) {
      calls.push(`enableUser ${userId}`);
    },
    async changeEmail(userId, newEmail) {
      calls.push(`changeEmail ${userId} ${newEmail}`);
    },
    async startPasswordReset(email) {
      calls.push(`startPasswordReset ${email}`);
      return 'sent';
    },
    async confirmPasswordReset(email) {
      calls.push(`confirmPasswordReset ${email}`);
    },
    async refresh() {
      throw new Error('not used');
    },
    async answerMfaChallenge() {
      throw new Error('not used');
    },
    async startTotpSetup() {
      throw new Error('not used');
    },
    async finishTotpSetup() {
      throw new Error('not used');
    },
    async hasTotp() {
      return false;
    },
    async removeTotp(userId) {
      calls.push(`removeTotp ${userId}`);
    },
  };
}

export function fakePictures(): import('../../../functions/core/images.js').PictureStore & {
  stored: Map<string, { bytes: Uint8Array; contentType: string }>;
} {
  const stored = new Map<string, { bytes: Uint8Array; contentType: string }>();
  return {
    stored,
    async put(userId, bytes, contentType) {
      stored.set(userId, { bytes, contentType });
    },
    async get(userId) {
      return stored.get(userId);
    },
    async delete(userId) {
      stored.delete(userId);
    },
  };
}
