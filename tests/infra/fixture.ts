/**
 * The tests' own environment: tests/infra/fixtures/fixture.json, never the repository's
 * config/ folder, so the values an operator commits there (production's origins, accounts,
 * topics) cannot break `npm test`. Every app the infra tests build comes from here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stackNamesFor } from '../../infra/environment.js';
import { cdkJsonContext, createHubApp, type HubAppProps } from '../../infra/hub-app.js';
import { projectRoot } from '../../infra/hub-function.js';

export const fixtureEnvironment = 'fixture';
export const fixtureFolder = path.join(projectRoot, 'tests', 'infra', 'fixtures');

/** The fixture's hub:* values, as the file has them. */
export const fixtureSettings = JSON.parse(
  readFileSync(path.join(fixtureFolder, `${fixtureEnvironment}.json`), 'utf8'),
) as Record<string, unknown>;

/** The fixture environment's stacks: HubFixture-Mail, HubFixture-Console, … */
export const stackNames = stackNamesFor(fixtureEnvironment);

/** createHubApp for the fixture environment; `props.context` still overrides its values. */
export function fixtureApp(props: HubAppProps = {}) {
  return createHubApp({
    configFolder: fixtureFolder,
    ...props,
    context: { 'hub:env': fixtureEnvironment, ...props.context },
  });
}

/** cdk.json's feature flags and the fixture's settings: the context of a hand-built App. */
export function fixtureContext(): Record<string, unknown> {
  return { ...cdkJsonContext(), 'hub:env': fixtureEnvironment, ...fixtureSettings };
}
