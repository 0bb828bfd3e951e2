/**
 * Keep the CDK out of the home folder. The CLI honours CDK_HOME, but aws-cdk-lib's asset
 * fingerprint cache writes to `os.homedir()/.cdk/cache` whatever CDK_HOME says. Importing
 * this module first points HOME (for this process only) at CDK_HOME, or at the project's
 * git-ignored `.cdk-home/` when CDK_HOME is not set.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cdkHome = path.resolve(process.env.CDK_HOME || path.join(projectRoot, '.cdk-home'));
mkdirSync(cdkHome, { recursive: true });
process.env.CDK_HOME = cdkHome;
process.env.HOME = cdkHome;

export { cdkHome };
