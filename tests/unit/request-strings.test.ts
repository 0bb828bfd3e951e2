/**
 * Every string a request may carry (path parameters, query, JSON body) is bounded and ruled:
 * it was made by one of the helpers of functions/core/schemas/common.ts (freeText,
 * searchTerm, patterned, secretText), and it behaves as that helper promises. Free text
 * that pages and emails show (a name, a learner's class, a result's series) refuses markup
 * and control characters such as NUL. A bare `z.string()` added to any route fails here.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { routeList } from '../../functions/core/routes.js';
import {
  freeText,
  patterned,
  type StringRule,
  searchTerm,
  secretText,
  stringRules,
} from '../../functions/core/schemas/common.js';
import {
  AddUsersBodyDocumented,
  AddUsersBodySchema,
  NewUserRowSchema,
} from '../../functions/core/schemas/users.js';

interface Found {
  path: string;
  schema: z.ZodType;
  rule?: StringRule;
  problem?: string;
}

/** Types that carry no free string (numbers, booleans, fixed values). */
const inert = new Set([
  'number',
  'int',
  'boolean',
  'enum',
  'literal',
  'null',
  'undefined',
  'never',
]);
/** Wrappers whose inner schema checks the value. */
const wrappers = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'nonoptional',
]);

/** Every place a request schema takes a string, with the rule it was made with (if any). */
function walk(schema: z.ZodType, path: string, found: Found[] = []): Found[] {
  const rule = stringRules.get(schema);
  if (rule) {
    found.push({ path, schema, rule });
    return found;
  }
  const def = schema._zod.def as any;
  if (inert.has(def.type)) return found;
  if (wrappers.has(def.type)) return walk(def.innerType, path, found);
  switch (def.type) {
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>))
        walk(value, path ? `${path}.${key}` : key, found);
      if (def.catchall && def.catchall._zod.def.type !== 'never')
        walk(def.catchall, `${path}.*`, found);
      return found;
    case 'array':
      return walk(def.element, `${path}[]`, found);
    case 'record':
      walk(def.keyType, `${path}{key}`, found);
      return walk(def.valueType, `${path}{value}`, found);
    case 'union':
      for (const option of def.options as z.ZodType[]) walk(option, path, found);
      return found;
    case 'intersection':
      walk(def.left, path, found);
      return walk(def.right, path, found);
    case 'pipe':
      walk(def.in, path, found);
      return walk(def.out, path, found);
    case 'transform':
      // Runs after the input was checked; constrains nothing itself.
      return found;
    case 'lazy':
      return walk(def.getter(), path, found);
    default:
      found.push({
        path,
        schema,
        problem:
          def.type === 'unknown' || def.type === 'any'
            ? `accepts anything (${def.type})`
            : `is a ${def.type} made without freeText, searchTerm, patterned or secretText (functions/core/schemas/common.ts)`,
      });
      return found;
  }
}

/** Every request schema of every route, named by operation id and part. */
const requestSchemas = routeList.flatMap((route) =>
  [
    ['params', route.params],
    ['query', route.query],
    // A body checked row by row (POST …/users) is walked as documented: its rows are
    // checked with the documented row schema (asserted below).
    ['body', route.documentedBody ?? route.body],
  ]
    .filter((entry): entry is [string, z.ZodType] => entry[1] !== undefined)
    .map(([part, schema]) => ({ where: `${route.operationId} ${part}`, schema })),
);

const everyString = requestSchemas.flatMap(({ where, schema }) =>
  walk(schema, '').map((found) => ({ ...found, where: `${where} ${found.path}` })),
);

const refused = (schema: z.ZodType, value: unknown) => !schema.safeParse(value).success;
const accepted = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;
const insertMiddle = (text: string, inserted: string) => {
  const middle = Math.floor(text.length / 2);
  return text.slice(0, middle) + inserted + text.slice(middle);
};
/** Markup and control characters (NUL, a line break, DEL, a C1 control). */
const markup = ['<script>alert(1)</script>', '<', '>'];
const controls = ['\u0000', '\n', '\r', '\u007f', '\u0085'];

/** What each rule promises, checked on the schema as the route uses it. */
function brokenPromises({ schema, rule }: Found): string[] {
  if (!rule) return [];
  const problems: string[] = [];
  const expectRefused = (value: string, why: string) => {
    if (!refused(schema, value)) problems.push(`accepts ${why}`);
  };
  const expectAccepted = (value: string, why: string) => {
    if (!accepted(schema, value)) problems.push(`refuses ${why}`);
  };
  if (!(rule.max > 0 && rule.max <= 8192)) problems.push(`has no sensible bound (${rule.max})`);
  switch (rule.rule) {
    case 'text':
      expectAccepted('Ann Lee-Smith 4B', 'ordinary text');
      expectAccepted('a'.repeat(rule.max), `${rule.max} characters`);
      expectRefused('a'.repeat(rule.max + 1), `${rule.max + 1} characters`);
      expectRefused('   ', 'blank text');
      for (const bad of [...markup, ...controls])
        expectRefused(insertMiddle('Ann Lee', bad), JSON.stringify(bad));
      break;
    case 'search':
      expectAccepted('ann lee', 'an ordinary term');
      expectRefused('a'.repeat(rule.max + 1), `${rule.max + 1} characters`);
      for (const bad of controls) expectRefused(insertMiddle('ann lee', bad), JSON.stringify(bad));
      break;
    case 'pattern': {
      expectAccepted(rule.example, `its own example ${rule.example}`);
      const last = rule.example.at(-1) ?? 'a';
      expectRefused(
        rule.example + last.repeat(rule.max + 1 - rule.example.length),
        `${rule.max + 1} characters`,
      );
      for (const bad of [...markup, ...controls])
        expectRefused(insertMiddle(rule.example, bad), `its example with ${JSON.stringify(bad)}`);
      // At either end too (a line break there may be trimmed away, as spaces are).
      for (const bad of [...markup, '\u0000']) {
        expectRefused(rule.example + bad, `its example followed by ${JSON.stringify(bad)}`);
        expectRefused(bad + rule.example, `its example after ${JSON.stringify(bad)}`);
      }
      break;
    }
    case 'secret':
      expectAccepted('Correct horse <battery> 1', 'any characters');
      expectRefused('', 'an empty string');
      expectRefused('a'.repeat(rule.max + 1), `${rule.max + 1} characters`);
      break;
  }
  return problems;
}

describe('request strings', () => {
  it('are all made by a helper of schemas/common.ts, in every route', () => {
    expect(requestSchemas.length).toBeGreaterThan(routeList.length);
    const unruled = everyString
      .filter((found) => found.problem)
      .map((found) => `${found.where}: ${found.problem}`);
    expect(unruled).toEqual([]);

    // The free text in question is found, and shown text follows the text rule.
    const where = (rule: StringRule['rule']) =>
      everyString.filter((found) => found.rule?.rule === rule).map((found) => found.where);
    expect(where('text')).toEqual(
      expect.arrayContaining([
        'addLearner body classGroup',
        'updateLearner body classGroup',
        'recordResult body series',
        'addLearner body name',
        'addUsers body users[].name',
        'createCentre body name',
      ]),
    );
  });

  it('each behave as their rule promises: bounded; shown text refuses markup and NUL', () => {
    const broken = everyString.flatMap((found) =>
      brokenPromises(found).map((problem) => `${found.where} ${problem}`),
    );
    expect(broken).toEqual([]);
    // Only passwords and Cognito's refresh token may hold any characters.
    expect(
      everyString.filter((found) => found.rule?.rule === 'secret').map((found) => found.path),
    ).toEqual(
      expect.arrayContaining(['password', 'newPassword', 'currentPassword', 'refreshToken']),
    );
    for (const found of everyString.filter((each) => each.rule?.rule === 'secret'))
      expect(found.path).toMatch(/^(password|newPassword|currentPassword|refreshToken)$/);
  });

  it('of POST …/users rows are checked with the row schema the OpenAPI document shows', () => {
    expect(AddUsersBodyDocumented.shape.users.element).toBe(NewUserRowSchema);
    // The envelope only hands objects on (add-users.ts checks each with NewUserRowSchema).
    expect(AddUsersBodySchema.safeParse({ users: ['<script>'] }).success).toBe(false);
  });

  it('are found wherever a bare or loosened string hides (the walk itself)', () => {
    const problemsOf = (schema: z.ZodType) =>
      walk(schema, '')
        .filter((found) => found.problem || brokenPromises(found).length)
        .map((found) => found.path);
    expect(problemsOf(z.strictObject({ note: z.string() }))).toEqual(['note']);
    expect(problemsOf(z.strictObject({ note: z.string().max(10).optional() }))).toEqual(['note']);
    expect(problemsOf(z.strictObject({ tags: z.array(z.string().trim()) }))).toEqual(['tags[]']);
    expect(problemsOf(z.strictObject({ any: z.record(z.string(), z.unknown()) }))).toEqual([
      'any{key}',
      'any{value}',
    ]);
    expect(problemsOf(z.object({ n: z.number() }).catchall(z.string()))).toEqual(['.*']);
    expect(problemsOf(z.strictObject({ x: freeText(20).pipe(z.string()) }))).toEqual(['x']);
    // A pattern that lets markup through, or whose bound is not checked, breaks its promise.
    expect(problemsOf(patterned(/^.+$/, 'anything', { max: 20, example: 'ab' }))).toEqual(['']);
    expect(
      problemsOf(
        z
          .string()
          .regex(/^[a-z]+$/)
          .register(stringRules, { rule: 'pattern', max: 5, example: 'abc' }),
      ),
    ).toEqual(['']);

    // The helpers pass, also made optional, nullable, described or refined further.
    expect(
      problemsOf(
        z.strictObject({
          a: freeText(50).optional(),
          b: freeText(40).nullable().optional(),
          c: searchTerm(100).meta({ description: 'd' }),
          d: searchTerm(254).refine((q) => q.length > 1),
          e: patterned(/^[0-9]{6}$/, 'six digits', { max: 6, example: '123456' }),
          f: secretText(256),
        }),
      ),
    ).toEqual([]);
  });
});
