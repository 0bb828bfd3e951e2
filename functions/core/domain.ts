/**
 * The product's words and fixed rules, shared by handlers, CDK and the local runtime.
 * No AWS imports here.
 */

export const sites = ['primary', 'lower-secondary', 'upper-secondary', 'advanced'] as const;
export type Site = (typeof sites)[number];

/** Progression Test data lives on these sites only. */
export const progressionSites = ['primary', 'lower-secondary'] as const;
export type ProgressionSite = (typeof progressionSites)[number];

export const userStatuses = ['invited', 'active', 'suspended'] as const;
export type UserStatus = (typeof userStatuses)[number];

/** The Progression Test subjects. */
export const subjects = [
  'english',
  'english-as-a-second-language',
  'mathematics',
  'science',
] as const;
export type Subject = (typeof subjects)[number];

/** What a removal operation does (functions/core/data/operation.ts). */
export const operationTypes = ['delete', 'offboarding', 'transfer'] as const;
export type OperationType = (typeof operationTypes)[number];

/**
 * One password policy for Cognito (CDK and the local pool) and for our own checks, so a
 * weak password is refused with WEAK_PASSWORD before Cognito is asked, here and in AWS.
 */
export const passwordPolicy = {
  minLength: 10,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: false,
  temporaryPasswordValidityDays: 7,
} as const;

export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < passwordPolicy.minLength)
    problems.push(`must be at least ${passwordPolicy.minLength} characters`);
  if (passwordPolicy.requireLowercase && !/[a-z]/.test(password))
    problems.push('must contain a lowercase letter');
  if (passwordPolicy.requireUppercase && !/[A-Z]/.test(password))
    problems.push('must contain an uppercase letter');
  if (passwordPolicy.requireDigits && !/[0-9]/.test(password))
    problems.push('must contain a digit');
  return problems;
}

/** Cognito group whose members are customer-service staff. */
export const supportGroup = 'support';

/** The largest JSON body any route accepts; pictures have their own limit. */
export const maxJsonBodyBytes = 256 * 1024;
export const maxPictureBytes = 1024 * 1024;

/** Emails are trimmed and compared case-insensitively. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Why emails to a user's address are not arriving: the outbox's sender gave up on one
 * (`failed`), or SES reported a permanent bounce or a complaint.
 */
export const emailProblems = ['failed', 'bouncing', 'complained'] as const;
export type EmailProblem = (typeof emailProblems)[number];
