/**
 * The workflows' definitions as CDK synthesizes them, kept on disk between starts:
 * loading aws-cdk-lib and synthesizing takes seconds, and the definition only changes
 * with the workflow's source or the CDK version, which together make the cache key.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = join(root, 'node_modules', '.cache', 'hub-removal-definition');

async function cacheKey(): Promise<string> {
  const hash = createHash('sha256');
  const workflows = join(root, 'workflows');
  for (const name of (await readdir(workflows)).filter((file) => file.endsWith('.ts')).sort())
    hash.update(name).update(await readFile(join(workflows, name)));
  hash.update(await readFile(join(root, 'node_modules', 'aws-cdk-lib', 'package.json')));
  return hash.digest('hex').slice(0, 32);
}

export const removalDefinition = () => cachedDefinition('removal');
export const siteRemovalDefinition = () => cachedDefinition('site-removal');

async function cachedDefinition(workflow: 'removal' | 'site-removal'): Promise<object> {
  const file = join(cacheDir, `${workflow}-${await cacheKey()}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as object;
  } catch {
    // Not cached yet: synthesize (imported here, so a cached start never loads aws-cdk-lib).
  }
  const synthesized = await import('../../workflows/definition.js');
  const { definition } =
    workflow === 'removal'
      ? synthesized.synthesizeRemovalDefinition()
      : synthesized.synthesizeSiteRemovalDefinition();
  await mkdir(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(definition));
  await rename(partial, file);
  return definition;
}
