/**
 * Checks the delivery pipeline (.github/workflows/deploy.yml) offline: the YAML against a
 * schema of GitHub Actions workflow syntax (strict: a misspelt key is an error, as GitHub
 * would refuse or silently ignore it), then the project's own rules: the jobs' order, prod
 * behind an approved environment, OIDC only, actions pinned by commit SHA, `npm ci`, and
 * the README's test command with what .ci/run installs, and the browser tests `npm test`
 * leaves out (tagged `@extended`) before anything deploys. `npm test` runs it
 * (tests/unit/deploy-workflow.test.ts); `npx tsx scripts/check-deploy-workflow.ts` alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const workflowPath = '.github/workflows/deploy.yml';

// ---- GitHub Actions workflow syntax (docs.github.com, "Workflow syntax for GitHub Actions").
const text = z.string().min(1);
const expression = z.union([z.string(), z.number(), z.boolean()]);
const stringMap = z.record(z.string(), expression);
const permissionLevel = z.enum(['read', 'write', 'none']);
const permissionScopes = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;
const permissions = z.union([
  z.enum(['read-all', 'write-all']),
  z.strictObject(
    Object.fromEntries(permissionScopes.map((scope) => [scope, permissionLevel.optional()])),
  ),
]);
/** `defaults:` of a workflow or a job. */
const defaults = z.strictObject({
  run: z.strictObject({ shell: text.optional(), 'working-directory': text.optional() }),
});
const concurrency = z.union([
  text,
  z.strictObject({ group: text, 'cancel-in-progress': z.union([z.boolean(), text]).optional() }),
]);
const step = z
  .strictObject({
    id: text.optional(),
    name: text.optional(),
    if: expression.optional(),
    uses: text.optional(),
    run: text.optional(),
    shell: text.optional(),
    'working-directory': text.optional(),
    with: stringMap.optional(),
    env: stringMap.optional(),
    'continue-on-error': z.union([z.boolean(), text]).optional(),
    'timeout-minutes': z.union([z.number().positive(), text]).optional(),
  })
  .refine((s) => (s.uses === undefined) !== (s.run === undefined), {
    message: 'a step has exactly one of `uses` and `run`',
  });
const job = z.strictObject({
  name: text.optional(),
  needs: z.union([text, z.array(text).min(1)]).optional(),
  'runs-on': z.union([
    text,
    z.array(text).min(1),
    z.strictObject({ group: text.optional(), labels: z.union([text, z.array(text)]).optional() }),
  ]),
  environment: z.union([text, z.strictObject({ name: text, url: text.optional() })]).optional(),
  permissions: permissions.optional(),
  if: expression.optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  env: stringMap.optional(),
  defaults: defaults.optional(),
  concurrency: concurrency.optional(),
  'timeout-minutes': z.union([z.number().positive(), text]).optional(),
  'continue-on-error': z.union([z.boolean(), text]).optional(),
  strategy: z
    .strictObject({
      matrix: z.union([z.record(z.string(), z.unknown()), text]),
      'fail-fast': z.union([z.boolean(), text]).optional(),
      'max-parallel': z.union([z.number().int().positive(), text]).optional(),
    })
    .optional(),
  container: z
    .union([
      text,
      z.strictObject({
        image: text,
        credentials: stringMap.optional(),
        env: stringMap.optional(),
        ports: z.array(expression).optional(),
        volumes: z.array(text).optional(),
        options: text.optional(),
      }),
    ])
    .optional(),
  steps: z.array(step).min(1),
});
const trigger = z.union([z.null(), z.record(z.string(), z.unknown())]);
export const workflowSchema = z.strictObject({
  name: text.optional(),
  'run-name': text.optional(),
  on: z.union([text, z.array(text), z.record(z.string(), trigger)]),
  permissions: permissions.optional(),
  env: stringMap.optional(),
  defaults: defaults.optional(),
  concurrency: concurrency.optional(),
  jobs: z.record(z.string().regex(/^[A-Za-z_][\w-]*$/), job),
});
export type Workflow = z.infer<typeof workflowSchema>;
type Job = Workflow['jobs'][string];

// ---- The project's rules.
/** The jobs, each needing the one before: nothing reaches prod without all of them. */
export const jobOrder = ['test', 'synth', 'diff', 'deploy-staging', 'deploy-prod'] as const;
export const productionEnvironment = 'production';
const shaPinned = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
const oidcAction = 'aws-actions/configure-aws-credentials';

const needsOf = (j: Job) => (j.needs === undefined ? [] : [j.needs].flat());
const runsOf = (j: Job) => j.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
const environmentOf = (j: Job) =>
  typeof j.environment === 'string' ? j.environment : j.environment?.name;
const canWriteIdToken = (workflow: Workflow, j: Job) => {
  const p = j.permissions ?? workflow.permissions;
  return p === 'write-all' || (typeof p === 'object' && p['id-token'] === 'write');
};

/** The apt packages .ci/run installs (the `apt-get install` command's package arguments). */
export function aptPackagesOf(script: string): string[] {
  const command = script.replace(/\\\n/g, ' ').match(/apt-get install([^\n>|&;]*)/);
  return (command?.[1] ?? '').split(/\s+/).filter((word) => word && !word.startsWith('-'));
}

export interface Sources {
  /** .ci/run, whose installs the test job must make too. */
  ciRun: string;
  /** README.md: the test command it documents. */
  readme: string;
  /** package.json: what `npm test` leaves out of the browser tests (`--grep-invert <tag>`). */
  packageJson: string;
}

/**
 * The tag of the browser tests `npm test` leaves out (its `playwright test --grep-invert
 * <tag>`), or undefined when it runs them all.
 */
export function browserTagLeftOut(packageJson: string): string | undefined {
  const scripts = (JSON.parse(packageJson) as { scripts?: Record<string, string> }).scripts;
  return scripts?.test?.match(/playwright test[^&|;]*--grep-invert[ =](\S+)/)?.[1];
}

/** Every problem with the workflow text, as sentences; none: it passes. */
export function checkDeployWorkflow(yamlText: string, sources: Sources): string[] {
  let raw: unknown;
  try {
    raw = parse(yamlText);
  } catch (error) {
    return [`not YAML: ${(error as Error).message}`];
  }
  const parsed = workflowSchema.safeParse(raw);
  if (!parsed.success)
    return parsed.error.issues.map(
      (issue) => `schema: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
    );
  const workflow = parsed.data;
  const problems: string[] = [];
  const { jobs } = workflow;

  // Triggers: main only; never a pull request's code with the deploy roles.
  const triggers =
    typeof workflow.on === 'string'
      ? [workflow.on]
      : Array.isArray(workflow.on)
        ? workflow.on
        : Object.keys(workflow.on);
  for (const event of triggers)
    if (!['push', 'workflow_dispatch'].includes(event))
      problems.push(`on: ${event} would run the deploy for code that is not main's`);
  const push =
    typeof workflow.on === 'object' && !Array.isArray(workflow.on) ? workflow.on.push : undefined;
  if (JSON.stringify((push as { branches?: unknown } | null)?.branches) !== '["main"]')
    problems.push('on.push.branches must be [main]: only main is delivered');

  // Order: each job needs the one before, and nothing else reaches around it.
  for (const [index, name] of jobOrder.entries()) {
    const j = jobs[name];
    if (!j) {
      problems.push(`job ${name} is missing (${jobOrder.join(' → ')})`);
      continue;
    }
    const expected = index === 0 ? [] : [jobOrder[index - 1]];
    if (JSON.stringify(needsOf(j)) !== JSON.stringify(expected))
      problems.push(
        `job ${name} must need ${expected.length ? expected.join(', ') : 'nothing'}, needs ${JSON.stringify(needsOf(j))}`,
      );
  }
  for (const name of Object.keys(jobs))
    if (!(jobOrder as readonly string[]).includes(name))
      problems.push(`job ${name} is not part of ${jobOrder.join(' → ')}`);

  // Environments: prod only after a person approves (GitHub environment `production`).
  if (jobs['deploy-prod'] && environmentOf(jobs['deploy-prod']) !== productionEnvironment)
    problems.push(
      `deploy-prod must run in the GitHub environment "${productionEnvironment}" (its required reviewers are the approval)`,
    );
  if (jobs['deploy-staging'] && environmentOf(jobs['deploy-staging']) !== 'staging')
    problems.push('deploy-staging must run in the GitHub environment "staging"');
  for (const [name, j] of Object.entries(jobs)) {
    const runs = runsOf(j).join('\n');
    if (/cdk deploy/.test(runs) && !name.startsWith('deploy-'))
      problems.push(`job ${name} runs cdk deploy: only deploy-staging and deploy-prod deploy`);
  }
  const deployCommand = (name: string, env: string) => {
    const runs = jobs[name] ? runsOf(jobs[name]) : [];
    if (!runs.some((run) => new RegExp(`cdk deploy --app cdk\\.out\\.${env}\\b`).test(run)))
      problems.push(
        `job ${name} must deploy the ${env} assembly (cdk deploy --app cdk.out.${env})`,
      );
  };
  deployCommand('deploy-staging', 'staging');
  deployCommand('deploy-prod', 'prod');
  const synthRuns = jobs.synth ? runsOf(jobs.synth).join('\n') : '';
  for (const env of ['staging', 'prod'])
    if (
      !new RegExp(`cdk synth[^\\n]*-c hub:env=${env}[^\\n]*--output cdk\\.out\\.${env}\\b`).test(
        synthRuns,
      )
    )
      problems.push(`job synth must synthesize -c hub:env=${env} into cdk.out.${env}`);

  // Permissions: read-only by default; an OIDC token only for the jobs that assume a role.
  const top = workflow.permissions;
  if (
    top === undefined ||
    top === 'write-all' ||
    (typeof top === 'object' && Object.values(top).some((level) => level === 'write'))
  )
    problems.push('permissions: the workflow default must be read-only (contents: read)');
  for (const [name, j] of Object.entries(jobs)) {
    const steps = j.steps.filter((s) => s.uses?.startsWith(`${oidcAction}@`));
    if (steps.length > 0 && !canWriteIdToken(workflow, j))
      problems.push(`job ${name} assumes an AWS role but lacks permissions id-token: write`);
    if (j.permissions === 'write-all')
      problems.push(`job ${name}: write-all grants far more than a deploy needs`);
    for (const s of steps) {
      const role = String(s.with?.['role-to-assume'] ?? '');
      if (!/^\$\{\{\s*vars(\.[A-Z0-9_]+|\[[\w.]+\])\s*\}\}$/.test(role))
        problems.push(
          `job ${name}: role-to-assume must come from a repository variable (vars.…), got "${role}"`,
        );
      for (const key of ['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token'])
        if (s.with?.[key] !== undefined)
          problems.push(`job ${name}: ${key}: OIDC only, no stored keys`);
      if (!s.with?.['aws-region'])
        problems.push(`job ${name}: configure-aws-credentials needs aws-region`);
    }
  }
  for (const name of ['diff', 'deploy-staging', 'deploy-prod'])
    if (jobs[name] && !jobs[name].steps.some((s) => s.uses?.startsWith(`${oidcAction}@`)))
      problems.push(`job ${name} must assume its role with ${oidcAction} (OIDC)`);

  // Supply chain: every action pinned to a full commit SHA; installs from the lock file.
  for (const [name, j] of Object.entries(jobs)) {
    for (const s of j.steps)
      if (s.uses && !s.uses.startsWith('./') && !shaPinned.test(s.uses))
        problems.push(`job ${name}: ${s.uses} is not pinned to a commit SHA`);
    const runs = runsOf(j);
    if (runs.some((run) => /\bnpm (install|i)\b/.test(run)))
      problems.push(`job ${name}: npm install; use npm ci (the lock file, nothing resolved anew)`);
    if (runs.some((run) => /\bnpx\b/.test(run)) && !runs.some((run) => /^npm ci\b/m.test(run)))
      problems.push(`job ${name} runs npx without npm ci first`);
    const image = typeof j.container === 'string' ? j.container : j.container?.image;
    if (image && !/:[\w.-]+$/.test(image.replace(/@sha256:[0-9a-f]{64}$/, ':digest')))
      problems.push(`job ${name}: container ${image} has no tag or digest`);
    if (image?.endsWith(':latest')) problems.push(`job ${name}: container ${image} is not pinned`);
  }

  // The test job: what .ci/run installs, then npm ci and the README's test command.
  const test = jobs.test;
  if (test) {
    const runs = runsOf(test);
    const installs = runs.filter((run) => /apt-get install/.test(run)).join('\n');
    for (const pkg of aptPackagesOf(sources.ciRun))
      if (!aptPackagesOf(installs).includes(pkg))
        problems.push(`job test must install ${pkg}, as .ci/run does`);
    if (!runs.some((run) => /^npm ci\b/.test(run))) problems.push('job test must run npm ci');
    if (
      !/`\.ci\/run` runs `npm ci` then `npm test`/.test(sources.readme) ||
      !/\| `npm test` \|/.test(sources.readme)
    )
      problems.push('README.md no longer documents `npm test` as the test command');
    if (!runs.includes('npm test'))
      problems.push("job test must run `npm test`, the README's test command");
    // What npm test leaves out still runs before anything deploys.
    const leftOut = browserTagLeftOut(sources.packageJson);
    const extended = leftOut && `npm run test:console -- --grep ${leftOut}`;
    if (extended && !runs.includes(extended))
      problems.push(
        `job test must also run \`${extended}\`: the browser tests npm test leaves out guard every deploy`,
      );
  }
  return problems;
}

/** The repository's workflow, checked with the repository's .ci/run and README. */
export function checkRepositoryWorkflow(root = projectRoot): string[] {
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  return checkDeployWorkflow(read(workflowPath), {
    ciRun: read('.ci/run'),
    readme: read('README.md'),
    packageJson: read('package.json'),
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkRepositoryWorkflow();
  for (const problem of problems) console.error(`${workflowPath}: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(`${workflowPath}: OK`);
}
