/**
 * A pseudo translation of the console's catalogue: every message accented and bracketed,
 * every message function's result too, built from the English catalogue alone. It is
 * type-checked against `Messages` (this file is part of `tsc -p web`, and catalogue.test.ts
 * compiles it again): so a language is one new catalogue file of this shape, never a change
 * to a page.
 *
 * `Translation<T>` is the shape a translation must have: a string for each string, a
 * function of strings returning a string for each function, and the same for each nested
 * object. Anything else in the catalogue (a number, a React element, code) becomes `never`,
 * and `english` below stops type-checking.
 */

import type { Messages } from '../../../web/src/i18n';
import { en } from '../../../web/src/i18n/en';

export type Translation<T> = T extends string
  ? string
  : T extends (...values: infer A extends string[]) => string
    ? (...values: A) => string
    : T extends (...values: never[]) => unknown
      ? never
      : T extends object
        ? { readonly [K in keyof T]: Translation<T[K]> }
        : never;

const accents: Record<string, string> = {
  a: 'á',
  c: 'ç',
  e: 'é',
  i: 'í',
  n: 'ñ',
  o: 'ó',
  s: 'š',
  u: 'ú',
  y: 'ý',
  A: 'Å',
  E: 'É',
  I: 'Î',
  O: 'Ö',
  S: 'Š',
  U: 'Ü',
};

/**
 * "Sign in" → "⟦Šígñ íñ⟧". Placeholders the pages fill in ({count}, {email}, {transfer})
 * are kept as they are.
 */
export const accent = (message: string) =>
  `⟦${message
    .split(/(\{\w+\})/)
    .map((piece, index) =>
      index % 2 === 1 ? piece : piece.replace(/[A-Za-z]/g, (letter) => accents[letter] ?? letter),
    )
    .join('')}⟧`;

/** The locale a pseudo translation formats dates and numbers in (BCP 47's pseudo-locale). */
export const pseudoLocale = 'en-XA';

export function pseudoLocalise<T>(messages: T, key = ''): Translation<T> {
  if (key === 'locale') return pseudoLocale as Translation<T>;
  if (typeof messages === 'string') return accent(messages) as Translation<T>;
  if (typeof messages === 'function')
    return Object.defineProperty(
      (...values: string[]) => accent(messages(...values)),
      'length', // as many values as the English message takes
      { value: messages.length },
    ) as Translation<T>;
  if (messages && typeof messages === 'object')
    return Object.fromEntries(
      Object.entries(messages).map(([name, value]) => [name, pseudoLocalise(value, name)]),
    ) as Translation<T>;
  // Not a message (the types refuse it; catalogue.test.ts names it): left as it is.
  return messages as Translation<T>;
}

/** The English catalogue has a translation's shape: only messages, nothing a page must run. */
export const english: Translation<Messages> = en;

/** The proof: a whole translation, made without touching a page, is a `Messages`. */
export const pseudo: Messages = pseudoLocalise(en);
