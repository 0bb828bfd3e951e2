/**
 * Deployment settings read from CDK context: the environment's file (config/<hub:env>.json,
 * infra/environment.ts) fills it, `cdk synth -c hub:mailFrom=...` overrides a value. Parsed
 * once, failing fast on a bad value.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { readEnvironmentName } from './environment.js';

export interface HubSettings {
  /** The environment (stage): `hub:env`, whose file in config/ gave the values below. */
  environment: string;
  /** The account every stack of the environment must deploy to; else the CLI's credentials'. */
  account?: string;
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
  /** Stage throttling of every route (requests at once, requests/second): README's load model. */
  stageBurstLimit: number;
  stageRateLimit: number;
  /**
   * An existing table the stacks use instead of creating one: a table restored from a
   * backup (README, "Restoring the table"). Unset: HubStateful creates and owns the table.
   */
  tableName?: string;
  /** The stream of `tableName` (NEW_IMAGE), which the outbox's sender reads; set both or neither. */
  tableStreamArn?: string;
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
  /**
   * The API's own domain: CloudFront (with WAF) answers it with the us-east-1 certificate,
   * and reaches the API through a regional API Gateway custom domain of the same name, with
   * the regional certificate; the execute-api endpoint is then disabled. Without it, the
   * API stays on its execute-api endpoint (no CloudFront, no WAF): for trials only.
   */
  apiDomain?: { name: string; certificateArn: string; regionalCertificateArn: string };
  /** AWS WAF (infra/edge-stack.ts): requests per IP per 5 minutes, on `/auth/*` and on all. */
  wafAuthRateLimit: number;
  wafRateLimit: number;
  /**
   * Cognito threat protection (the Plus feature plan, enforced): adaptive authentication and
   * compromised-credential checks on every sign-in. On in production (cdk.json).
   */
  threatProtection: boolean;
  /**
   * Keep the app client that signed users in before the confidential one (`ApiClient`),
   * during the deploy that replaces it: its tokens stay accepted and its refresh tokens keep
   * working. Turn off in the following deploy (README, "Replacing the app client").
   */
  legacyAppClient: boolean;
}

/** The context keys this app reads; every config/<environment>.json names each of them. */
export const contextKeys = [
  'hub:account',
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
  'hub:stageBurstLimit',
  'hub:stageRateLimit',
  'hub:tableName',
  'hub:tableStreamArn',
  'hub:authBurstLimit',
  'hub:authRateLimit',
  'hub:authConcurrency',
  'hub:mailSendRate',
  'hub:consoleAssets',
  'hub:consoleDomain',
  'hub:consoleCertificateArn',
  'hub:apiDomain',
  'hub:apiCertificateArn',
  'hub:apiRegionalCertificateArn',
  'hub:wafAuthRateLimit',
  'hub:wafRateLimit',
  'hub:threatProtection',
  'hub:legacyAppClient',
] as const;

type ContextKey = (typeof contextKeys)[number];

function read(node: Node, key: ContextKey): unknown {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null)
    throw new Error(`Missing context ${key} (see config/<environment>.json)`);
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

function flag(node: Node, key: ContextKey): boolean {
  const value = read(node, key);
  // `-c hub:threatProtection=false` on the command line arrives as a string.
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Context ${key} must be true or false, got ${JSON.stringify(value)}`);
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

  const tableName = text(node, 'hub:tableName');
  if (tableName && !/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName))
    throw new Error(`hub:tableName ${tableName} is not a DynamoDB table name`);
  const tableStreamArn = text(node, 'hub:tableStreamArn');
  if (!tableName !== !tableStreamArn)
    throw new Error(
      'hub:tableName and hub:tableStreamArn go together: the outbox sender reads the restored table’s stream',
    );
  if (
    tableStreamArn &&
    !/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/.+\/stream\/.+$/.test(tableStreamArn)
  )
    throw new Error(`hub:tableStreamArn ${tableStreamArn} is not a DynamoDB stream ARN`);

  const consoleAssets = text(node, 'hub:consoleAssets');
  if (!consoleAssets)
    throw new Error('hub:consoleAssets must name the folder of the built console');
  const consoleDomain = readConsoleDomain(node);
  const account = text(node, 'hub:account');
  if (account && !/^\d{12}$/.test(account))
    throw new Error(`hub:account ${account} is not an AWS account id (12 digits)`);
  const region = text(node, 'hub:region');
  const apiDomain = readApiDomain(node, region);
  if (apiDomain && !consoleDomain)
    throw new Error(
      "hub:apiDomain needs hub:consoleDomain too: the API behind CloudFront is a production setup, and its CORS and the console's CSP name both domains",
    );
  if (apiDomain && apiDomain.name === consoleDomain?.name)
    throw new Error('hub:apiDomain must differ from hub:consoleDomain (two distributions)');
  const wafAuthRateLimit = integer(node, 'hub:wafAuthRateLimit');
  const wafRateLimit = integer(node, 'hub:wafRateLimit');
  // AWS WAF's rate-based rules count from 10 requests per window upwards.
  if (wafAuthRateLimit < 10 || wafRateLimit < 10)
    throw new Error(
      'hub:wafAuthRateLimit and hub:wafRateLimit must be at least 10 (AWS WAF minimum)',
    );
  const mailSendRate = integer(node, 'hub:mailSendRate');
  if (mailSendRate < 1 || mailSendRate > 50)
    throw new Error('hub:mailSendRate must be between 1 and 50 emails a second');
  return {
    environment: readEnvironmentName(node),
    ...(account ? { account } : {}),
    region,
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
    stageBurstLimit: integer(node, 'hub:stageBurstLimit'),
    stageRateLimit: integer(node, 'hub:stageRateLimit'),
    ...(tableName ? { tableName, tableStreamArn } : {}),
    authBurstLimit: integer(node, 'hub:authBurstLimit'),
    authRateLimit: integer(node, 'hub:authRateLimit'),
    authConcurrency: integer(node, 'hub:authConcurrency'),
    mailSendRate,
    consoleAssets,
    ...(consoleDomain ? { consoleDomain } : {}),
    ...(apiDomain ? { apiDomain } : {}),
    wafAuthRateLimit,
    wafRateLimit,
    threatProtection: flag(node, 'hub:threatProtection'),
    legacyAppClient: flag(node, 'hub:legacyAppClient'),
  };
}

const hostName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const acmCertificateIn = (region: string) =>
  new RegExp(`^arn:aws[a-z-]*:acm:${region}:\\d{12}:certificate/[\\w-]+$`);

/**
 * All three or none: CloudFront's certificate (us-east-1) and API Gateway's regional one
 * (the stacks' region) must both cover the name.
 */
function readApiDomain(node: Node, region: string): HubSettings['apiDomain'] {
  const name = text(node, 'hub:apiDomain').toLowerCase();
  const certificateArn = text(node, 'hub:apiCertificateArn');
  const regionalCertificateArn = text(node, 'hub:apiRegionalCertificateArn');
  const given = [name, certificateArn, regionalCertificateArn].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given !== 3)
    throw new Error(
      'hub:apiDomain, hub:apiCertificateArn and hub:apiRegionalCertificateArn go together: set all three or none',
    );
  if (!hostName.test(name))
    throw new Error(`hub:apiDomain ${name} is not a host name (no scheme, no path)`);
  if (!acmCertificateIn('us-east-1').test(certificateArn))
    throw new Error(
      `hub:apiCertificateArn ${certificateArn} is not an ACM certificate in us-east-1`,
    );
  if (!acmCertificateIn(region).test(regionalCertificateArn))
    throw new Error(
      `hub:apiRegionalCertificateArn ${regionalCertificateArn} is not an ACM certificate in ${region} (API Gateway's regional custom domain)`,
    );
  return { name, certificateArn, regionalCertificateArn };
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
