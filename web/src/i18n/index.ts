/**
 * The console's words and formats. Every user-facing text lives in the message catalogue
 * (`en/`, one module per area, composed in `en/index.ts`); dates and numbers go through
 * `Intl`. A translation is a new catalogue of the same shape (`Messages` type-checks it),
 * not a code change: pages read `t.<area>.<message>` and the formatters below.
 */
import { en } from './en';

export type Messages = typeof en;

/** The catalogue in use. One language today; the shape is what a translation must match. */
export const t: Messages = en;

/** The locale for dates, numbers and plurals (the catalogue's own). */
export const locale = en.common.locale;

const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const numberFormat = new Intl.NumberFormat(locale);
const pluralRules = new Intl.PluralRules(locale);
const listFormat = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });

/** `12 Mar 2026` */
export const formatDate = (value: string | number | Date) => dateFormat.format(new Date(value));
/** `12 Mar 2026, 14:05` */
export const formatDateTime = (value: string | number | Date) =>
  dateTimeFormat.format(new Date(value));
/** `1,000` */
export const formatNumber = (value: number) => numberFormat.format(value);
/** `Primary and Lower Secondary` */
export const formatList = (items: readonly string[]) => listFormat.format(items);

/** The form for `count` in this locale's plural rules (one, other, and few/many where needed). */
export type PluralForms = { one: string; other: string } & Partial<
  Record<'zero' | 'two' | 'few' | 'many', string>
>;
export function plural(count: number, forms: PluralForms): string {
  const form = forms[pluralRules.select(count)] ?? forms.other;
  return form.replaceAll('{count}', formatNumber(count));
}
