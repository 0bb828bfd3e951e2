/**
 * What each role may do to the stored data, action by action: the removal workflow's steps
 * may only delete pictures; only the pictures Lambda may write them; no role scans the table.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { areas } from '../../functions/core/routes.js';
import type { HubApp } from '../../infra/hub-app.js';
import { defaultApp } from './default-app.js';
import { stackNames } from './fixture.js';

type Statement = { Action: string | string[]; Resource: unknown };
let hub: HubApp;
let resources: Record<string, { Type: string; Properties: any }>;

beforeAll(() => {
  const app = defaultApp();
  hub = app.hub;
  resources = app.assembly.getStackByName(stackNames.stateless).template.Resources;
}, 120_000);

/** Every action the role of this function is allowed, from its inline policies. */
function actionsOf(role: { node: { defaultChild?: unknown } }) {
  const roleId = hub.stateless.getLogicalId(role.node.defaultChild as CfnElement);
  const statements = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  return new Set(statements.flatMap((statement) => [statement.Action].flat()));
}

describe('least privilege on the stored data', () => {
  it('lets the removal workflow delete pictures but not read or write them', () => {
    const tasks = hub.stateless.removalTasks;
    const actions = actionsOf(tasks.role);
    expect(actions).toContain('s3:DeleteObject');
    expect(actions).not.toContain('s3:GetObject');
    expect(actions).not.toContain('s3:PutObject');
  });

  it('lets only the pictures Lambda write pictures', () => {
    for (const area of areas) {
      const fn = hub.stateless.functions[area];
      const actions = actionsOf(fn.role);
      expect(actions.has('s3:PutObject'), area).toBe(area === 'pictures');
    }
  });

  it('lets the site-removal workflow use the table and nothing else', () => {
    const actions = [...actionsOf(hub.stateless.siteRemovalTasks.role)];
    expect(actions.length).toBeGreaterThan(0);
    const services = new Set(actions.map((action) => action.split(':')[0]));
    // The table, and the function's own logs and traces (as every hub function has): no
    // Cognito, no S3, no SES, no Step Functions.
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'xray']);
  });

  it('gives support only the Cognito actions creating a centre (find, delete, create) and resetting an authenticator app send', () => {
    const cognito = [...actionsOf(hub.stateless.functions.support.role)].filter((action) =>
      action.startsWith('cognito-idp:'),
    );
    expect(cognito.sort()).toEqual([
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminSetUserMFAPreference',
    ]);
  });

  it('grants no table action that no function sends (BatchWriteItem, DescribeTable)', () => {
    for (const fn of [
      ...Object.values(hub.stateless.functions),
      hub.stateless.removalTasks,
      hub.stateless.siteRemovalTasks,
    ]) {
      const actions = actionsOf(fn.role);
      expect(actions.has('dynamodb:BatchWriteItem')).toBe(false);
      expect(actions.has('dynamodb:DescribeTable')).toBe(false);
    }
  });

  it('lets the functions that read pictures list the bucket, so a missing picture is 404, not 403', () => {
    for (const area of areas)
      expect(actionsOf(hub.stateless.functions[area].role).has('s3:ListBucket'), area).toBe(
        area === 'pictures',
      );
    // Deleting needs no listing: a delete of a missing object succeeds either way.
    expect(actionsOf(hub.stateless.removalTasks.role).has('s3:ListBucket')).toBe(false);
  });

  it('grants no Scan and no table-wide wildcard to any function', () => {
    for (const fn of [
      ...Object.values(hub.stateless.functions),
      hub.stateless.removalTasks,
      hub.stateless.siteRemovalTasks,
    ]) {
      const actions = [...actionsOf(fn.role)];
      expect(
        actions.filter((action) => action === 'dynamodb:Scan' || action === 'dynamodb:*'),
      ).toEqual([]);
    }
  });
});
