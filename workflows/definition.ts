/**
 * The workflows' Amazon States Language, exactly as CDK synthesizes it, for the local
 * runtime (aws-local-stepfunctions) to run. Builds a throwaway App holding only the one
 * workflow (no Lambda, no bundling), so it takes a fraction of a second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { removalTasksId, siteRemovalTasksId } from './names.js';
import { RemovalWorkflow } from './removal-workflow.js';
import { SiteRemovalWorkflow } from './site-removal-workflow.js';

export { removalTasksId, siteRemovalTasksId };

/** Turns an intrinsic inside DefinitionString into the placeholder string the ASL gets. */
function resolveIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, arg] = Object.entries(value)[0] ?? [];
    // A resource's name becomes its logical id, and its ARN a local function ARN of that
    // name: the local runtime maps it to a handler (and the runner wants a real ARN shape).
    if (key === 'Ref' && typeof arg === 'string') return arg;
    if (key === 'Fn::GetAtt') {
      const [logicalId = '', attribute = ''] = Array.isArray(arg)
        ? arg.map(String)
        : String(arg).split('.');
      return attribute === 'Arn'
        ? `arn:aws:lambda:eu-west-2:000000000000:function:${logicalId}`
        : logicalId;
    }
    if (key === 'Fn::Join' && Array.isArray(arg)) {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map(resolveIntrinsic).join(separator);
    }
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)} in the state machine definition`);
}

interface TemplateLike {
  Resources?: Record<string, { Type?: string; Properties?: { DefinitionString?: unknown } }>;
}

/**
 * The parsed ASL of the one AWS::StepFunctions::StateMachine in a synthesized template, or
 * of the one whose logical id starts with `logicalIdPrefix`.
 */
export function definitionFromTemplate(template: TemplateLike, logicalIdPrefix = ''): object {
  const machines = Object.entries(template.Resources ?? {})
    .filter(
      ([id, resource]) =>
        resource.Type === 'AWS::StepFunctions::StateMachine' && id.startsWith(logicalIdPrefix),
    )
    .map(([, resource]) => resource);
  if (machines.length !== 1)
    throw new Error(`Expected one state machine, found ${machines.length}`);
  return JSON.parse(resolveIntrinsic(machines[0]?.Properties?.DefinitionString)) as object;
}

export function synthesizeRemovalDefinition(): { definition: object } {
  return synthesize(removalTasksId, (stack, tasks) => {
    new RemovalWorkflow(stack, 'RemovalWorkflow', { tasks });
  });
}

export function synthesizeSiteRemovalDefinition(): { definition: object } {
  return synthesize(siteRemovalTasksId, (stack, tasks) => {
    new SiteRemovalWorkflow(stack, 'SiteRemovalWorkflow', { tasks });
  });
}

function synthesize(
  tasksId: string,
  workflow: (stack: Stack, tasks: LambdaFunction) => void,
): { definition: object } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'workflow-definition-'));
  try {
    const app = new App({
      outdir,
      context: { 'aws:cdk:bundling-stacks': [] },
      analyticsReporting: false,
    });
    const stack = new Stack(app, 'RemovalDefinition');
    // A stand-in for the task function: only its ARN reaches the definition, and the local
    // runtime answers every name starting with tasksId with the real task handler.
    const tasks = new LambdaFunction(stack, tasksId, {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => ({});'),
    });
    workflow(stack, tasks);
    const template = app.synth().getStackByName(stack.stackName).template as TemplateLike;
    return { definition: definitionFromTemplate(template) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
