/**
 * Issue 12, item 9: every bucket is retained when its stack is deleted, so none may have a
 * fixed name: a destroy and a redeploy would fail on the old, retained bucket ("already
 * exists"). CloudFormation generates each name (stack name, logical id, a random suffix); the
 * stack that uses another stack's bucket imports its name from a fixed export.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { settingNames } from '../../functions/core/config.js';
import type { HubApp } from '../../infra/hub-app.js';
import { defaultApp } from './default-app.js';
import { stackNames } from './fixture.js';

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string };
let hub: HubApp;
let templates: Record<string, { Resources: Record<string, Resource>; Outputs?: any }>;

beforeAll(() => {
  const app = defaultApp();
  hub = app.hub;
  templates = Object.fromEntries(
    Object.values(stackNames).map((name) => [name, app.assembly.getStackByName(name).template]),
  );
}, 120_000);

const exportNamed = (stack: string, name: string) =>
  Object.values(templates[stack]?.Outputs ?? {}).find(
    (output: any) => output.Export?.Name === name,
  ) as { Value: unknown } | undefined;

describe('bucket names survive a destroy and a redeploy', () => {
  it('gives no bucket of any stack a fixed name, and retains every one', () => {
    const buckets = Object.entries(templates).flatMap(([stack, template]) =>
      Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type === 'AWS::S3::Bucket')
        .map(([id, resource]) => ({ at: `${stack}/${id}`, resource })),
    );
    // The console and its logs, the pictures and their logs.
    expect(buckets.length).toBeGreaterThanOrEqual(4);
    for (const { at, resource } of buckets) {
      expect(resource.Properties?.BucketName, at).toBeUndefined();
      expect(resource.DeletionPolicy, at).toBe('Retain');
    }
  });

  it('hands the picture and console buckets’ generated names to the stateless stack by fixed exports', () => {
    const pictures = exportNamed(stackNames.stateful, `${stackNames.stateful}-PictureBucketName`);
    expect(pictures?.Value).toEqual({
      Ref: hub.stateful.getLogicalId(hub.stateful.pictureBucket.node.defaultChild as any),
    });
    const console = exportNamed(stackNames.console, `${stackNames.console}-ConsoleBucketName`);
    expect(console?.Value).toEqual({
      Ref: hub.console.getLogicalId(hub.console.bucket.node.defaultChild as any),
    });
    // The functions that keep pictures read that name from the import.
    const functions = Object.values(templates[stackNames.stateless]?.Resources ?? {}).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    const pictureBuckets = functions
      .map((fn) => fn.Properties?.Environment?.Variables?.[settingNames.pictureBucket])
      .filter((value) => value !== undefined);
    expect(pictureBuckets.length).toBeGreaterThan(0);
    for (const value of pictureBuckets)
      expect(value).toEqual({ 'Fn::ImportValue': `${stackNames.stateful}-PictureBucketName` });
  });
});
