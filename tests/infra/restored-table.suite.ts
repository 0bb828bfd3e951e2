/**
 * Issue 12, item 9: `hub:tableName` points the stacks at a table restored from a backup
 * (README, "Restoring the table"): HubStateful creates no table, and every grant, variable,
 * alarm and the backup plan name the restored one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingNames } from '../../functions/core/config.js';
import { defaultApp } from './default-app.js';
import { fixtureApp as createHubApp, stackNames } from './fixture.js';

const restored = 'HubStateful-Table-restored-20261202';
type Template = { Resources: Record<string, { Type: string; Properties?: any }> };
let stateful: Template;
let stateless: Template;
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'hub-restored-'));
  const { consoleBuild } = defaultApp();
  const hub = createHubApp({
    outdir: folder,
    context: {
      'aws:cdk:bundling-stacks': [],
      ...consoleBuild.context,
      'hub:tableName': restored,
      'hub:tableStreamArn': `arn:aws:dynamodb:eu-west-2:111111111111:table/${restored}/stream/2026-12-02T10:00:00.000`,
    },
  });
  const assembly = hub.app.synth();
  stateful = assembly.getStackByName(stackNames.stateful).template;
  stateless = assembly.getStackByName(stackNames.stateless).template;
}, 120_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

const ofType = (template: Template, type: string) =>
  Object.values(template.Resources).filter((resource) => resource.Type === type);

describe('hub:tableName: the stacks use a restored table', () => {
  it('creates no table: the restored one is used, the old one is left alone (retained)', () => {
    expect(ofType(stateful, 'AWS::DynamoDB::GlobalTable')).toEqual([]);
    expect(ofType(stateful, 'AWS::DynamoDB::Table')).toEqual([]);
    // The default app does create it.
    const { assembly } = defaultApp();
    const own = assembly.getStackByName(stackNames.stateful).template as Template;
    expect(ofType(own, 'AWS::DynamoDB::GlobalTable')).toHaveLength(1);
  });

  it('gives every function the restored table, grants on it alone, and backs it up', () => {
    const functions = ofType(stateless, 'AWS::Lambda::Function')
      .map((fn) => fn.Properties?.Environment?.Variables?.[settingNames.tableName])
      .filter((value) => value !== undefined);
    expect(functions.length).toBeGreaterThan(0);
    for (const value of functions) expect(value).toBe(restored);

    const tableResources = ofType(stateless, 'AWS::IAM::Policy')
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: { Action: string | string[] }) =>
        [statement.Action].flat().some((action) => action.startsWith('dynamodb:')),
      )
      .flatMap((statement: { Resource: unknown }) => [statement.Resource].flat());
    expect(tableResources.length).toBeGreaterThan(0);
    for (const resource of tableResources)
      expect(JSON.stringify(resource)).toMatch(
        new RegExp(`:table/${restored}(/index/GSI\\d|/stream/[^"]+)?"`),
      );

    const [selection] = ofType(stateful, 'AWS::Backup::BackupSelection');
    expect(JSON.stringify(selection?.Properties.BackupSelection.Resources)).toContain(
      `:table/${restored}`,
    );
  });

  it('refuses a name DynamoDB would refuse', () => {
    const { consoleBuild } = defaultApp();
    expect(() =>
      createHubApp({
        outdir: folder,
        context: { ...consoleBuild.context, 'hub:tableName': 'no spaces allowed' },
      }),
    ).toThrow(/not a DynamoDB table name/);
  });
});
