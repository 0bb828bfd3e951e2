/**
 * `npm run generate:api`: writes the console's API types (web/src/api/schema.d.ts) and the
 * API reference (docs/API.md) from the route table. tests/unit/generated-api.test.ts fails
 * while either committed file differs from what this writes.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiArtifacts, projectRoot } from './api-artifacts.js';

for (const { file, text } of await apiArtifacts()) {
  const target = path.join(projectRoot, file);
  const before = await readFile(target, 'utf8').catch(() => undefined);
  if (before === text) {
    console.log(`${file}: up to date`);
    continue;
  }
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, text);
  console.log(`${file}: written`);
}
