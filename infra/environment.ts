/**
 * Which environment (stage) a synth is for, and that environment's settings.
 *
 * `-c hub:env=staging` (cdk.json's default: `dev`) picks `config/staging.json`, whose hub:*
 * values become the app's context; a `-c hub:key=value` on the command line still wins over
 * the file. Every stack name and every physical name that must be unique in an account and
 * region carries the stage, so dev, staging and prod can live side by side in one account.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IConstruct, Node } from 'constructs';
import { contextKeys } from './settings.js';

export const environmentKey = 'hub:env';

/**
 * A stage name: lower case, short (it goes into S3 bucket names of at most 63 characters,
 * with an account id and a region beside it).
 */
export const environmentNamePattern = /^[a-z][a-z0-9]{0,11}$/;

/** The environments the repository ships a file for (config/<name>.json). */
export const committedEnvironments = ['dev', 'staging', 'prod'] as const;

/** The environment named by `hub:env`, checked. */
export function readEnvironmentName(node: Node): string {
  const value: unknown = node.tryGetContext(environmentKey);
  if (typeof value !== 'string' || !environmentNamePattern.test(value))
    throw new Error(
      `Context ${environmentKey} must name an environment (lower-case letters and digits, at most 12, e.g. staging), got ${JSON.stringify(value)}`,
    );
  return value;
}

/** The stage of the app a construct belongs to (for physical names such as bucket names). */
export const stageOf = (scope: IConstruct): string => readEnvironmentName(scope.node);

/** `staging` → `HubStaging`: the prefix of every stack of that environment. */
export function stackPrefix(environment: string): string {
  return `Hub${environment.charAt(0).toUpperCase()}${environment.slice(1)}`;
}

export function stackNamesFor(environment: string) {
  const prefix = stackPrefix(environment);
  return {
    edge: `${prefix}-Edge`,
    mail: `${prefix}-Mail`,
    console: `${prefix}-Console`,
    stateful: `${prefix}-Stateful`,
    stateless: `${prefix}-Stateless`,
  } as const;
}

export type StackNames = ReturnType<typeof stackNamesFor>;

/**
 * The hub:* values of `<folder>/<environment>.json`: a JSON object with every key the app
 * reads and no other (a misspelt key is refused here rather than silently ignored).
 */
export function readEnvironmentFile(folder: string, environment: string): Record<string, unknown> {
  const file = path.join(folder, `${environment}.json`);
  if (!existsSync(file))
    throw new Error(
      `No configuration for environment "${environment}": ${file} does not exist (see README "Environments")`,
    );
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    throw new Error(`${file} must hold one JSON object of hub:* settings`);
  const known = new Set<string>(contextKeys);
  const unknown = Object.keys(values).filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new Error(`${file}: unknown setting(s) ${unknown.join(', ')} (see infra/settings.ts)`);
  const missing = contextKeys.filter((key) => !(key in values));
  if (missing.length > 0)
    throw new Error(`${file}: missing setting(s) ${missing.join(', ')} (every key, even if "")`);
  return values as Record<string, unknown>;
}

/**
 * Fills the app's context from the environment's file, before any construct is added: a key
 * already in context (`-c` on the command line, or a test's own context) is left alone.
 * Returns the environment's name.
 */
export function applyEnvironment(node: Node, folder: string): string {
  const environment = readEnvironmentName(node);
  for (const [key, value] of Object.entries(readEnvironmentFile(folder, environment)))
    if (node.tryGetContext(key) === undefined) node.setContext(key, value);
  return environment;
}
