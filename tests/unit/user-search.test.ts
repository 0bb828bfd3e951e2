/**
 * Issue 11, item 2: the centre's word-prefix index (functions/core/data/user-search.ts).
 * What a user is found by, how many index items that costs, and that every change of a
 * user moves their index items within one transaction's 100 items.
 */
import { describe, expect, it } from 'vitest';
import type { User } from '../../functions/core/data/user.js';
import {
  matches,
  maxPrefixes,
  prefixLength,
  queryWordsOf,
  searchIndexItems,
  searchPrefixesOf,
  wordsOf,
} from '../../functions/core/data/user-search.js';

const db = { client: {} as never, tableName: 'hub' };

const aUser = (overrides: Partial<User> = {}): User => ({
  userId: 'u-1',
  centreId: 'GB001',
  name: 'Ada Lovelace',
  email: 'ada.lovelace@school.example',
  isAdmin: false,
  isSupport: false,
  sites: ['primary'],
  status: 'active',
  tokensValidAfter: 0,
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const keysOf = (items: ReturnType<typeof searchIndexItems>) =>
  items.map((item) =>
    item.Put ? `put ${item.Put.Item?.SK?.S}` : `delete ${item.Delete?.Key?.SK?.S}`,
  );

describe('the words a user is found by', () => {
  it('splits at anything but letters and digits, lower-cased, without accents or apostrophes', () => {
    expect(wordsOf("José O'Brien-Núñez")).toEqual(['jose', 'obrien', 'nunez']);
    expect(wordsOf('first.last+tag@Sub.School.example')).toEqual([
      'first',
      'last',
      'tag',
      'sub',
      'school',
      'example',
    ]);
    expect(wordsOf('line\none\ttab')).toEqual(['line', 'one', 'tab']);
    expect(wordsOf('-- @ .')).toEqual([]);
  });

  it(`indexes each distinct start of 1 to ${prefixLength} characters of each word, once`, () => {
    expect(
      searchPrefixesOf({ name: 'Ada Lovelace', email: 'ada.lovelace@school.example' }),
    ).toEqual([
      'a',
      'ad',
      'ada',
      'l',
      'lo',
      'lov',
      'love',
      'lovel',
      'lovela',
      's',
      'sc',
      'sch',
      'scho',
      'schoo',
      'school',
      'e',
      'ex',
      'exa',
      'exam',
      'examp',
      'exampl',
    ]);
  });

  it('counts characters as code points (no half of a letter beyond the first plane)', () => {
    expect(searchPrefixesOf({ name: '𠀀𠀁x', email: 'e@x.y' }).slice(0, 3)).toEqual([
      '𠀀',
      '𠀀𠀁',
      '𠀀𠀁x',
    ]);
  });

  it(`keeps at most ${maxPrefixes} index items, the name's words first`, () => {
    const name = 'Alexandra Richardson-Montgomery Fitzwilliam-Underwood';
    const email = `${'x'.repeat(60)}.qwertyuiop@stmaryscatholicprimary.lancashire.sch.uk`;
    const prefixes = searchPrefixesOf({ name, email });
    expect(prefixes).toHaveLength(maxPrefixes);
    expect(prefixes.slice(0, 6)).toEqual(['a', 'al', 'ale', 'alex', 'alexa', 'alexan']);
  });
});

describe('what a search for q finds', () => {
  it('uses the words of q, longest first, without one that starts another', () => {
    expect(queryWordsOf('ann ANNA  lov')).toEqual(['anna', 'lov']);
    expect(queryWordsOf('ada.lovelace@school.example')).toEqual([
      'lovelace',
      'example',
      'school',
      'ada',
    ]);
  });

  it.each([
    ['ada', true],
    ['LOV', true],
    ['ada lov', true],
    ['lovelace ada', true],
    ['ada.lovelace@school.example', true],
    ['school.example', true],
    ['Lóvé', true],
    ['ace', false],
    ['ada x', false],
    ['ad lace', false],
  ])('q=%s finds Ada Lovelace: %s', (q, found) => {
    expect(matches(aUser(), queryWordsOf(q), {})).toBe(found);
  });

  it('applies status, role and site', () => {
    const words = queryWordsOf('ada');
    expect(matches(aUser(), words, { status: 'active', role: 'teacher', site: 'primary' })).toBe(
      true,
    );
    expect(matches(aUser(), words, { status: 'suspended' })).toBe(false);
    expect(matches(aUser(), words, { role: 'admin' })).toBe(false);
    expect(matches(aUser(), words, { site: 'advanced' })).toBe(false);
  });
});

describe("moving a user's index items", () => {
  it('puts every index item of a new user, and deletes every one of a deleted user', () => {
    const user = aUser();
    const count = searchPrefixesOf(user).length;
    const created = searchIndexItems(db, undefined, user);
    expect(created).toHaveLength(count);
    expect(created[0]?.Put?.Item).toMatchObject({
      PK: { S: 'USER#u-1' },
      SK: { S: 'SEARCH#a' },
      GSI1PK: { S: 'CENTRE#GB001#SEARCH#a' },
      GSI1SK: { S: 'ada lovelace#u-1' },
      words: { S: ' ada lovelace school example' },
    });
    // Nothing a status, role or sites change moves: those changes write no index item.
    expect(Object.keys(created[0]?.Put?.Item ?? {}).sort()).toEqual(
      ['GSI1PK', 'GSI1SK', 'PK', 'SK', 'name', 'type', 'userId', 'words'].sort(),
    );
    expect(keysOf(searchIndexItems(db, user, undefined))).toEqual(
      searchPrefixesOf(user).map((prefix) => `delete SEARCH#${prefix}`),
    );
  });

  it('writes nothing when nothing the index holds changed (a picture, a sign-out)', () => {
    const before = aUser();
    expect(
      searchIndexItems(db, before, { ...before, pictureType: 'image/png', version: 4 }),
    ).toEqual([]);
  });

  it('writes nothing when status, role or sites change (the filters read the user records)', () => {
    const before = aUser();
    for (const after of [
      { ...before, status: 'suspended' as const, version: 2 },
      { ...before, isAdmin: true, version: 2 },
      { ...before, sites: [], version: 2 },
    ])
      expect(searchIndexItems(db, before, after)).toEqual([]);
  });

  it('rewrites the items when the name changes (their order) and moves them with the email', () => {
    const before = aUser();
    expect(searchIndexItems(db, before, { ...before, name: 'Ada King' })).not.toEqual([]);
  });

  it('deletes the starts a new email no longer has and puts the others', () => {
    const before = aUser();
    const after = { ...before, email: 'ada.lovelace@college.example' };
    const moved = keysOf(searchIndexItems(db, before, after));
    expect(moved.filter((key) => key.startsWith('delete'))).toEqual(
      ['s', 'sc', 'sch', 'scho', 'schoo', 'school'].map((prefix) => `delete SEARCH#${prefix}`),
    );
    expect(moved.filter((key) => key.startsWith('put'))).toHaveLength(
      searchPrefixesOf(after).length,
    );
  });

  it('fits one transaction (100 items) with the user, email markers and audit, at the longest name and email', () => {
    const long = (seed: string) =>
      Array.from({ length: 30 }, (_, i) => `${seed}${String.fromCharCode(97 + i)}`).join(' ');
    const before = aUser({
      name: long('a').slice(0, 100),
      email: `${long('b').replaceAll(' ', '.')}@x.y`,
    });
    const after = aUser({
      name: long('c').slice(0, 100),
      email: `${long('d').replaceAll(' ', '.')}@z.w`,
    });
    const moved = searchIndexItems(db, before, after);
    expect(moved.length).toBeLessThanOrEqual(2 * maxPrefixes);
    // The user, the centre's admin count, the two email markers, the pending email change
    // and the audit entry: the most a change of a user writes besides its index items.
    expect(moved.length + 6).toBeLessThanOrEqual(100);
  });
});
