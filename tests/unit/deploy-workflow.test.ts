/**
 * The delivery pipeline (.github/workflows/deploy.yml), checked offline: the repository's
 * file passes, and each rule of scripts/check-deploy-workflow.ts fails on a copy that breaks
 * it (so a rule that stopped working would show here).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { projectRoot } from '../../infra/hub-function.js';
import {
  aptPackagesOf,
  browserTagLeftOut,
  checkDeployWorkflow,
  checkRepositoryWorkflow,
  jobOrder,
  workflowPath,
} from '../../scripts/check-deploy-workflow.js';

const read = (file: string) => readFileSync(path.join(projectRoot, file), 'utf8');
const sources = {
  ciRun: read('.ci/run'),
  readme: read('README.md'),
  packageJson: read('package.json'),
};
const original = read(workflowPath);

/** The repository's workflow as an object, changed by `edit`, back to YAML and checked. */
function checkEdited(edit: (workflow: any) => void): string[] {
  const workflow = parse(original);
  edit(workflow);
  return checkDeployWorkflow(stringify(workflow), sources);
}

const stepUsing = (job: any, action: string) =>
  job.steps.find((step: any) => step.uses?.startsWith(action));

describe('the deploy workflow', () => {
  it('passes the schema and every rule, as committed', () => {
    expect(checkRepositoryWorkflow()).toEqual([]);
    expect(Object.keys(parse(original).jobs)).toEqual([...jobOrder]);
  });

  it('is refused when it is not YAML, or breaks the workflow schema (misspelt keys included)', () => {
    expect(checkDeployWorkflow('jobs: [', sources)[0]).toMatch(/^not YAML/);
    expect(
      checkEdited((w) => {
        w.jobs.test.runs_on = w.jobs.test['runs-on'];
        delete w.jobs.test['runs-on'];
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^schema: jobs\.test/)]));
    expect(
      checkEdited((w) => {
        w.jobs.synth.steps[0].run = 'echo both';
      }),
    ).toEqual([expect.stringMatching(/exactly one of `uses` and `run`/)]);
    expect(
      checkEdited((w) => {
        w.permissions = { id_token: 'write' };
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^schema: permissions/)]));
  });

  it('keeps the order test → synth → diff → deploy staging → deploy prod', () => {
    expect(
      checkEdited((w) => {
        w.jobs['deploy-prod'].needs = 'diff';
      }),
    ).toEqual([expect.stringMatching(/deploy-prod must need deploy-staging/)]);
    expect(
      checkEdited((w) => {
        delete w.jobs.diff;
        w.jobs['deploy-staging'].needs = 'synth';
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/job diff is missing/)]));
    expect(
      checkEdited((w) => {
        w.jobs.hotfix = { 'runs-on': 'ubuntu-24.04', steps: [{ run: 'npx cdk deploy --all' }] };
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/job hotfix is not part of/),
        expect.stringMatching(/job hotfix runs cdk deploy/),
      ]),
    );
    expect(
      checkEdited((w) => {
        w.on = { push: { branches: ['main'] }, pull_request: null };
      }),
    ).toEqual([expect.stringMatching(/on: pull_request/)]);
  });

  it('puts prod behind the production environment (its reviewers approve)', () => {
    expect(
      checkEdited((w) => {
        delete w.jobs['deploy-prod'].environment;
      }),
    ).toEqual([
      expect.stringMatching(/deploy-prod must run in the GitHub environment "production"/),
    ]);
    expect(
      checkEdited((w) => {
        const deploy = w.jobs['deploy-prod'].steps.at(-1);
        deploy.run = deploy.run.replace('cdk.out.prod', 'cdk.out.staging');
      }),
    ).toEqual([expect.stringMatching(/deploy-prod must deploy the prod assembly/)]);
  });

  it('assumes roles through OIDC only: id-token write, a role from a variable, no keys', () => {
    expect(
      checkEdited((w) => {
        delete w.jobs['deploy-staging'].permissions;
      }),
    ).toEqual([expect.stringMatching(/deploy-staging assumes an AWS role but lacks.*id-token/)]);
    expect(
      checkEdited((w) => {
        const step = stepUsing(w.jobs['deploy-prod'], 'aws-actions/configure-aws-credentials');
        step.with['role-to-assume'] = 'arn:aws:iam::123456789012:role/deploy';
        step.with['aws-secret-access-key'] = 'AKIA-stored-key';
      }),
    ).toEqual([
      expect.stringMatching(/role-to-assume must come from a repository variable/),
      expect.stringMatching(/aws-secret-access-key: OIDC only/),
    ]);
    expect(
      checkEdited((w) => {
        w.permissions = { contents: 'write' };
      }),
    ).toEqual([expect.stringMatching(/workflow default must be read-only/)]);
  });

  it('pins every action to a commit SHA and installs with npm ci', () => {
    expect(
      checkEdited((w) => {
        w.jobs.synth.steps[0].uses = 'actions/checkout@v4';
      }),
    ).toEqual([expect.stringMatching(/actions\/checkout@v4 is not pinned to a commit SHA/)]);
    expect(
      checkEdited((w) => {
        const install = w.jobs.synth.steps.find((s: any) => s.run?.startsWith('npm ci'));
        install.run = 'npm install';
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/synth: npm install; use npm ci/)]));
  });

  it("runs the README's test command after installing what .ci/run installs", () => {
    expect(aptPackagesOf(sources.ciRun)).toEqual(['chromium-headless-shell']);
    expect(
      checkEdited((w) => {
        const apt = w.jobs.test.steps.find((s: any) => s.run?.includes('apt-get install'));
        apt.run = apt.run.replace('chromium-headless-shell', '');
      }),
    ).toEqual([
      expect.stringMatching(/test must install chromium-headless-shell, as \.ci\/run does/),
    ]);
    expect(
      checkEdited((w) => {
        const test = w.jobs.test.steps.find((s: any) => s.run === 'npm test');
        test.run = 'npm run test:unit';
      }),
    ).toEqual([expect.stringMatching(/job test must run `npm test`/)]);
  });

  it('runs the browser tests npm test leaves out (@extended) before anything deploys', () => {
    expect(browserTagLeftOut(sources.packageJson)).toBe('@extended');
    const withoutExtended = (w: any) => {
      w.jobs.test.steps = w.jobs.test.steps.filter(
        (s: any) => s.run !== 'npm run test:console -- --grep @extended',
      );
    };
    expect(checkEdited(withoutExtended)).toEqual([
      expect.stringMatching(/job test must also run `npm run test:console -- --grep @extended`/),
    ]);
    // Were npm test to run every browser test, nothing would be left to run.
    const everything = JSON.stringify({ scripts: { test: 'vitest run && playwright test' } });
    expect(browserTagLeftOut(everything)).toBeUndefined();
    const workflow = parse(original);
    withoutExtended(workflow);
    expect(
      checkDeployWorkflow(stringify(workflow), { ...sources, packageJson: everything }),
    ).toEqual([]);
  });
});
