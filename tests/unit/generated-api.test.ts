/**
 * The console's API types and docs/API.md are generated from the route table and committed,
 * so the console's typecheck and its developers see every change to the API. A change to
 * the route table, its schemas, the problem codes or CORS without regenerating them fails
 * here, naming the command that mends it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiArtifacts, generateCommand, projectRoot } from '../../scripts/api-artifacts.js';

/** Where two texts first differ, as a reader wants to see it. */
function firstDifference(committed: string, generated: string) {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  generated: ${b[at] ?? '(end of file)'}`;
}

const artifacts = await apiArtifacts();

describe(`what \`${generateCommand}\` writes`, () => {
  it('is web/src/api/schema.d.ts and docs/API.md', () => {
    expect(artifacts.map(({ file }) => file)).toEqual(['web/src/api/schema.d.ts', 'docs/API.md']);
  });

  it.each(artifacts)('$file is committed as generated', async ({ file, text }) => {
    const committed = await readFile(path.join(projectRoot, file), 'utf8').catch(() => '');
    if (committed !== text)
      expect.fail(
        `${file} is stale: run \`${generateCommand}\` and commit the result.\n` +
          `First difference, ${firstDifference(committed, text)}`,
      );
  });
});
