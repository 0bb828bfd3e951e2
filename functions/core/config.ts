/**
 * Settings come from environment variables, read once at cold start. A function asks only
 * for the settings it uses, so a missing one fails at once (in CDK the same helper that
 * grants access sets the variable; locally infra/local sets them all).
 */

export const settingNames = {
  tableName: 'TABLE_NAME',
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  /** Only while an app client is being replaced (README, "Replacing the app client"). */
  legacyUserPoolClientId: 'LEGACY_USER_POOL_CLIENT_ID',
  mailFrom: 'MAIL_FROM',
  pictureBucket: 'PICTURE_BUCKET',
  removalStateMachineArn: 'REMOVAL_STATE_MACHINE_ARN',
  siteRemovalStateMachineArn: 'SITE_REMOVAL_STATE_MACHINE_ARN',
  /** Where the web console is served (e.g. https://hub.example.org): emails link to it. */
  consoleUrl: 'CONSOLE_URL',
  /** Emails a second the outbox's sender sends at most (below the SES account's sending rate). */
  mailSendRate: 'MAIL_SEND_RATE',
} as const;

export type SettingName = keyof typeof settingNames;
export type Settings = Record<SettingName, string>;

export class MissingSettingError extends Error {
  constructor(readonly variable: string) {
    super(`Missing environment variable ${variable}`);
    this.name = 'MissingSettingError';
  }
}

export function readSettings<K extends SettingName>(
  names: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Pick<Settings, K> {
  const settings = {} as Pick<Settings, K>;
  for (const name of names) {
    const value = env[settingNames[name]]?.trim();
    if (!value) throw new MissingSettingError(settingNames[name]);
    settings[name] = value;
  }
  return settings;
}

/** The address every automated email comes from, unless MAIL_FROM says otherwise. */
export const defaultMailFrom = 'noreply@cambridgeinternational.org';
