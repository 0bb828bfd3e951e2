/**
 * The console's message catalogue (web/src/i18n): no message is empty, every problem code
 * has words, and a translation is one new file — a pseudo translation built from the English
 * catalogue type-checks as `Messages` and renders through the same formatters.
 */
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../../../functions/core/domain';
import { problemCodes } from '../../../functions/core/errors';
import { formatList, plural, t } from '../../../web/src/i18n';
import { en } from '../../../web/src/i18n/en';
import { checkNewPassword } from '../../../web/src/pages/auth/NewPasswordFields';
import { accent, pseudo, pseudoLocale } from './pseudo';

const root = path.resolve(import.meta.dirname, '../../..');

/** Every message as [its path, its text]; a function is called with one value per parameter. */
function messages(tree: unknown, at = ''): [string, unknown][] {
  if (typeof tree === 'function')
    return [
      [`${at}(…)`, tree(...Array.from({ length: tree.length }, (_, index) => `value${index + 1}`))],
    ];
  if (tree && typeof tree === 'object')
    return Object.entries(tree).flatMap(([key, value]) =>
      messages(value, at ? `${at}.${key}` : key),
    );
  return [[at, tree]];
}

describe('the message catalogue', () => {
  const all = messages(en);

  it('has messages in every area', () => {
    for (const area of ['common', 'auth', 'userPage'] as const)
      expect(messages(en[area]).length, area).toBeGreaterThan(10);
  });

  it('has no empty message, and every function gives words', () => {
    const empty = all.filter(([, text]) => typeof text !== 'string' || text.trim() === '');
    expect(empty.map(([at]) => at)).toEqual([]);
  });

  it('says every value a message function is given (none is dropped)', () => {
    const functions: [string, (...values: string[]) => string][] = [];
    const collect = (tree: unknown, at: string) => {
      if (typeof tree === 'function') functions.push([at, tree as (...v: string[]) => string]);
      else if (tree && typeof tree === 'object')
        for (const [key, value] of Object.entries(tree)) collect(value, `${at}.${key}`);
    };
    collect(en, 'en');
    expect(functions.length).toBeGreaterThan(20);
    const dropping = functions.filter(([, say]) => {
      const values = Array.from({ length: say.length }, (_, index) => `«value${index + 1}»`);
      const said = say(...values);
      return values.some((value) => !said.includes(value));
    });
    expect(dropping.map(([at]) => at)).toEqual([]);
  });

  it('has words for every problem code the API answers with, and the console’s own', () => {
    expect(Object.keys(t.common.problems).sort()).toEqual(
      [...Object.keys(problemCodes), 'NETWORK', 'UNKNOWN'].sort(),
    );
  });

  it('counts with plural forms', () => {
    expect(plural(1, t.userPage.progressionData.results)).toBe('1 result');
    expect(plural(1200, t.userPage.progressionData.results)).toBe('1,200 results');
    expect(formatList(['Cambridge Primary', 'Cambridge Lower Secondary'])).toBe(
      'Cambridge Primary and Cambridge Lower Secondary',
    );
  });

  it('says the password rules the API checks, in its words', () => {
    for (const password of ['', 'short', 'alllowercase1', 'ALLUPPER12', 'NoDigitsHere', 'Ok-1']) {
      const broken = passwordProblems(password);
      const said = checkNewPassword(password, password)[0]?.message;
      if (password === '') expect(said).toBe(t.auth.newPassword.enterNew);
      else expect(said).toBe(`The new password ${formatList(broken)}.`);
    }
    expect(checkNewPassword('Good-password-1', 'Good-password-1')).toEqual([]);
  });
});

describe('a translation is a new catalogue file, not a code change', () => {
  it('type-checks a pseudo translation against Messages (tsc on tests/unit/i18n/pseudo.ts)', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(root, 'web/tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    if (!config) throw new Error('web/tsconfig.json could not be read');
    const program = ts.createProgram({
      rootNames: [path.join(root, 'tests/unit/i18n/pseudo.ts')],
      options: config.options,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file
        ? `${path.relative(root, diagnostic.file.fileName)}:${
            diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1
          }: `
        : '';
      return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    });
    expect(problems).toEqual([]);
  }, 60_000);

  it('reaches every message: each one is accented, placeholders kept', () => {
    const english = new Map(messages(en));
    const translated = messages(pseudo);
    expect(translated.map(([at]) => at)).toEqual([...english.keys()]);
    for (const [at, text] of translated) {
      if (at === 'common.locale') {
        expect(text).toBe(pseudoLocale);
        continue;
      }
      expect(text, at).toBe(accent(String(english.get(at))));
      for (const placeholder of String(english.get(at)).match(/\{\w+\}/g) ?? [])
        expect(text, at).toContain(placeholder);
    }
  });

  it('renders through the same formatters', () => {
    expect(plural(3, pseudo.userPage.progressionData.results)).toBe('⟦3 réšúltš⟧');
    expect(pseudo.userPage.confirm.suspendTitle('Ada')).toBe('⟦Šúšpéñd Ådá?⟧');
    expect(pseudo.auth.signIn.title).toBe('⟦Šígñ íñ⟧');
  });
});
