/**
 * What the services need from the outside world, as interfaces with no AWS imports.
 * functions/core/adapters/ implements them over the AWS SDK; tests hand in fakes or the
 * real adapters pointed at the local emulators.
 */

export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export type SignInResult =
  | { kind: 'tokens'; tokens: Tokens }
  | { kind: 'newPasswordRequired' }
  /** The password was right and the user has an authenticator app: Cognito's session. */
  | { kind: 'mfaRequired'; session: string };

/**
 * Where a sign-in comes from, for Cognito's threat protection (adaptive authentication and
 * compromised-credential checks judge the request by it): the caller's IP address and the
 * request's host, path and a few headers.
 */
export interface RequestOrigin {
  ipAddress: string;
  serverName: string;
  serverPath: string;
  headers: Record<string, string>;
}

/** Logins and credentials (Cognito). Users are named by their id, the Cognito sub. */
export interface Identity {
  /** Creates a login that must set a new password at first sign-in; answers its id. */
  createUser(email: string, temporaryPassword: string): Promise<{ userId: string }>;
  /** The login with this email, if any, and when it was created. */
  findUser(email: string): Promise<{ userId: string; createdAt: Date } | undefined>;
  deleteUser(userId: string): Promise<void>;
  addToGroup(userId: string, group: string): Promise<void>;
  setPassword(userId: string, password: string, permanent: boolean): Promise<void>;
  /** Throws ProblemError INVALID_CREDENTIALS for any wrong email or password alike. */
  signIn(email: string, password: string, origin?: RequestOrigin): Promise<SignInResult>;
  /** `userId` is the token's owner: a confidential app client's SECRET_HASH names them. */
  refresh(refreshToken: string, userId: string): Promise<Tokens>;
  /** Revokes every refresh token of the user (best effort: tokensValidAfter is the rule). */
  signOutEverywhere(userId: string): Promise<void>;
  /** Blocks sign-in and refresh in Cognito (the table's status blocks every request). */
  disableUser(userId: string): Promise<void>;
  enableUser(userId: string): Promise<void>;
  /** The login email becomes `newEmail`, already verified. EMAIL_TAKEN if Cognito has it. */
  changeEmail(userId: string, newEmail: string): Promise<void>;
  /** Cognito emails a verification code (through the CustomMessage trigger and SES). */
  startPasswordReset(email: string, origin?: RequestOrigin): Promise<'sent' | 'not-possible'>;
  /** INVALID_CODE for a wrong, expired or unknown code alike. */
  confirmPasswordReset(
    email: string,
    code: string,
    newPassword: string,
    origin?: RequestOrigin,
  ): Promise<void>;
  /** Answers Cognito's SOFTWARE_TOKEN_MFA challenge; INVALID_CODE for a wrong or stale code. */
  answerMfaChallenge(
    email: string,
    session: string,
    code: string,
    origin?: RequestOrigin,
  ): Promise<Tokens>;
  /** A new authenticator-app secret for the token's user (not in use until verified). */
  startTotpSetup(accessToken: string): Promise<{ secret: string }>;
  /** Checks a code of the new secret and makes the app the user's second factor. */
  finishTotpSetup(accessToken: string, code: string): Promise<void>;
  /** Whether Cognito asks this user for an authenticator code at sign-in. */
  hasTotp(userId: string): Promise<boolean>;
  /** Cognito stops asking this user for a code (they may set an app up again). */
  removeTotp(userId: string): Promise<void>;
}

/** Both parts say the same (functions/core/emails.ts renders them from the same blocks). */
export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(email: Email): Promise<void>;
}

/**
 * A workflow (Step Functions): one execution per operation, named by its id, or by
 * `executionName` when an operation runs again (a resumed site removal).
 */
export interface Workflows {
  start(operationId: string, executionName?: string): Promise<void>;
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
