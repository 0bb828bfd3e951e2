/**
 * The OpenAPI document is what the console's typed client and any other web client are
 * generated from, so it must be a valid OpenAPI 3.1 document by a maintained validator, and
 * no `$ref` may point at nothing (generators then emit `unknown` or fail outright).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/core/openapi.js';

/** Every `$ref` value in a JSON value, with where it was found. */
function refsIn(value: unknown, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => refsIn(item, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string'
      ? [{ ref: child, at }]
      : refsIn(child, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`),
  );
}

/** What a local JSON pointer (`#/a/b`) names in the document, or undefined. */
function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

describe('the OpenAPI document', () => {
  const document = openApiDocument();

  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
    // A copy: the validator keeps and may annotate what it is given.
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('has $refs, and every one resolves to a component of the document', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(10);
    const unresolved = refs.filter(
      ({ ref }) =>
        !ref.startsWith('#/components/schemas/') || resolvePointer(document, ref) === undefined,
    );
    expect(unresolved).toEqual([]);
  });
});
