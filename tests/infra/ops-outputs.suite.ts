/**
 * The operator command (scripts/ops.ts) finds a deployed environment from its stack outputs:
 * the stacks it reads by default are the app's, and each output it reads is there.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/hub-function.js';
import { defaultEnvironment, outputsRead } from '../../scripts/ops.js';
import { defaultApp } from './default-app.js';
import { stackNames } from './fixture.js';

const outputsOf = (stackName: string) =>
  Object.keys(
    (defaultApp().assembly.getStackByName(stackName).template as { Outputs?: object }).Outputs ??
      {},
  );

describe('the stack outputs the operator command reads', () => {
  it("defaults to cdk.json's environment, whose stacks it derives as the app does", () => {
    const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8'));
    expect(defaultEnvironment).toBe(cdkJson.context['hub:env']);
  });

  it('are outputs of those stacks (table, user pool, sender; console address)', () => {
    expect(outputsOf(stackNames.stateful)).toEqual(
      expect.arrayContaining([...outputsRead.stateful]),
    );
    expect(outputsOf(stackNames.console)).toEqual(expect.arrayContaining([...outputsRead.console]));
  });

  it('give the sender the user pool sends from (hub:mailFrom)', () => {
    const template = defaultApp().assembly.getStackByName(stackNames.stateful).template as {
      Outputs: Record<string, { Value: unknown }>;
    };
    expect(template.Outputs.MailFrom?.Value).toBe(defaultApp().hub.settings.mailFrom);
  });
});
