/**
 * Deployment settings read from CDK context (defaults in cdk.json's `context`, override with
 * `cdk synth -c hub:mailFrom=...`). Parsed once, failing fast on a bad value.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

export interface HubSettings {
  region: string;
  mailFrom: string;
  mailDomain: string;
  allowedOrigins: string[];
  accessTokenMinutes: number;
  logRetention: RetentionDays;
  alarmTopicArn?: string;
  /** Subscribed to the stack's own alarm topic (when no alarmTopicArn is given). */
  alarmEmail?: string;
  /** The table's AWS Backup plan: when (a cron expression, UTC), how long kept, copied where. */
  backup: { schedule: string; retentionDays: number; copyToVaultArn?: string };
  /** Stage throttling of each public `/auth/*` route (requests at once, requests/second). */
  authBurstLimit: number;
  authRateLimit: number;
  /** Reserved concurrency of the auth function: caps what sign-in traffic asks of Cognito. */
  authConcurrency: number;
  /**
   * Emails a second the outbox's sender sends at most: below the SES account's maximum
   * sending rate (a new production account: 14), which the sender also waits out when hit.
   */
  mailSendRate: number;
  /** The console's built files (relative to the repository root): what CDK uploads. */
  consoleAssets: string;
  /** The console's own domain and its us-east-1 ACM certificate; else the cloudfront.net one. */
  consoleDomain?: { name: string; certificateArn: string };
}

/** The context keys this app reads; their defaults live in cdk.json (`context`). */
export const contextKeys = [
  'hub:region',
  'hub:mailFrom',
  'hub:mailDomain',
  'hub:allowedOrigins',
  'hub:accessTokenMinutes',
  'hub:logRetentionDays',
  'hub:alarmTopicArn',
  'hub:alarmEmail',
  'hub:backupSchedule',
  'hub:backupRetentionDays',
  'hub:backupCopyToVaultArn',
  'hub:authBurstLimit',
  'hub:authRateLimit',
  'hub:authConcurrency',
  'hub:mailSendRate',
  'hub:consoleAssets',
  'hub:consoleDomain',
  'hub:consoleCertificateArn',
] as const;

type ContextKey = (typeof contextKeys)[number];

function read(node: Node, key: ContextKey): unknown {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null)
    throw new Error(`Missing context ${key} (see cdk.json)`);
  return value;
}

function text(node: Node, key: ContextKey): string {
  const value = read(node, key);
  if (typeof value !== 'string') throw new Error(`Context ${key} must be a string`);
  return value.trim();
}

function integer(node: Node, key: ContextKey): number {
  const raw = read(node, key);
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new Error(`Context ${key} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

function list(node: Node, key: ContextKey): string[] {
  let value = read(node, key);
  // `-c hub:allowedOrigins=...` on the command line arrives as a string.
  if (typeof value === 'string')
    value = value.startsWith('[') ? JSON.parse(value) : value.split(',');
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === ''))
    throw new Error(`Context ${key} must be a list of strings`);
  return value.map((item: string) => item.trim());
}

export function readHubSettings(node: Node): HubSettings {
  const mailFrom = text(node, 'hub:mailFrom');
  const mailDomain = text(node, 'hub:mailDomain');
  if (!mailFrom.toLowerCase().endsWith(`@${mailDomain.toLowerCase()}`))
    throw new Error(
      `hub:mailFrom (${mailFrom}) must be an address of hub:mailDomain (${mailDomain})`,
    );

  const allowedOrigins = list(node, 'hub:allowedOrigins');
  for (const origin of allowedOrigins) {
    if (origin === '*' || !/^https?:\/\/[^/*]+$/.test(origin))
      throw new Error(
        `hub:allowedOrigins: ${origin} is not an exact origin (scheme://host[:port])`,
      );
  }

  const retentionDays = integer(node, 'hub:logRetentionDays');
  if (!Object.values(RetentionDays).includes(retentionDays))
    throw new Error(
      `hub:logRetentionDays ${retentionDays} is not a CloudWatch Logs retention period`,
    );

  const accessTokenMinutes = integer(node, 'hub:accessTokenMinutes');
  if (accessTokenMinutes < 5 || accessTokenMinutes > 24 * 60)
    throw new Error('hub:accessTokenMinutes must be between 5 and 1440 (Cognito limits)');

  const alarmTopicArn = text(node, 'hub:alarmTopicArn');
  if (alarmTopicArn && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w.-]+$/.test(alarmTopicArn))
    throw new Error(`hub:alarmTopicArn ${alarmTopicArn} is not an SNS topic ARN`);

  const alarmEmail = text(node, 'hub:alarmEmail');
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail))
    throw new Error(`hub:alarmEmail ${alarmEmail} is not an email address`);

  const backupSchedule = text(node, 'hub:backupSchedule');
  if (backupSchedule.trim().split(/\s+/).length !== 6)
    throw new Error(
      `hub:backupSchedule ${backupSchedule} is not a six-field cron expression (minutes hours day month weekday year)`,
    );
  const backupRetentionDays = integer(node, 'hub:backupRetentionDays');
  if (backupRetentionDays < 1) throw new Error('hub:backupRetentionDays must be at least 1');
  const backupCopyToVaultArn = text(node, 'hub:backupCopyToVaultArn');
  if (
    backupCopyToVaultArn &&
    !/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[\w.-]+$/.test(backupCopyToVaultArn)
  )
    throw new Error(`hub:backupCopyToVaultArn ${backupCopyToVaultArn} is not a backup vault ARN`);

  const consoleAssets = text(node, 'hub:consoleAssets');
  if (!consoleAssets)
    throw new Error('hub:consoleAssets must name the folder of the built console');
  const consoleDomain = readConsoleDomain(node);
  const mailSendRate = integer(node, 'hub:mailSendRate');
  if (mailSendRate < 1 || mailSendRate > 50)
    throw new Error('hub:mailSendRate must be between 1 and 50 emails a second');
  return {
    region: text(node, 'hub:region'),
    mailFrom,
    mailDomain,
    allowedOrigins,
    accessTokenMinutes,
    logRetention: retentionDays as RetentionDays,
    ...(alarmTopicArn ? { alarmTopicArn } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    backup: {
      schedule: backupSchedule,
      retentionDays: backupRetentionDays,
      ...(backupCopyToVaultArn ? { copyToVaultArn: backupCopyToVaultArn } : {}),
    },
    authBurstLimit: integer(node, 'hub:authBurstLimit'),
    authRateLimit: integer(node, 'hub:authRateLimit'),
    authConcurrency: integer(node, 'hub:authConcurrency'),
    mailSendRate,
    consoleAssets,
    ...(consoleDomain ? { consoleDomain } : {}),
  };
}

/** Both or neither: CloudFront serves a domain only with a certificate that covers it. */
function readConsoleDomain(node: Node): HubSettings['consoleDomain'] {
  const name = text(node, 'hub:consoleDomain').toLowerCase();
  const certificateArn = text(node, 'hub:consoleCertificateArn');
  if (!name && !certificateArn) return undefined;
  if (!name || !certificateArn)
    throw new Error(
      'hub:consoleDomain and hub:consoleCertificateArn go together: set both or neither',
    );
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(name))
    throw new Error(`hub:consoleDomain ${name} is not a host name (no scheme, no path)`);
  // CloudFront takes certificates only from ACM in us-east-1, whatever the stacks' region.
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn))
    throw new Error(
      `hub:consoleCertificateArn ${certificateArn} is not an ACM certificate in us-east-1`,
    );
  return { name, certificateArn };
}
