/**
 * The audit log in plain words. The API records actions as codes ("user.suspended") and the
 * changed fields as `details.before` / `details.after`; the words are the catalogue's
 * (`t.userPage.audit`), and a code it does not list is shown as it is, so a new action is
 * never hidden.
 */
import { formatNumber, t } from '../../i18n';
import { siteNames } from './centre';
import type { AuditEntry } from './user-detail';

const words = t.userPage.audit;

/** The entry of `table` for `key`, if it has one of its own (not one of Object's). */
const lookup = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

export const actionInWords = (action: string) => lookup(words.actions, action) ?? action;

/** Actions only customer services take: their actor belongs to no centre. */
const supportActions = new Set(['centre.created', 'centre.updated', 'user.site_access_removed']);
export const isSupportAction = (action: string) => supportActions.has(action);

const fieldInWords = (field: string) => lookup(words.fields, field) ?? field;

function valueInWords(field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return words.none;
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (Array.isArray(value)) {
    if (value.length === 0) return words.none;
    return value
      .map((item) =>
        (field === 'sites' || field === 'eligibleSites') && typeof item === 'string'
          ? (siteNames[item] ?? item)
          : valueInWords('', item),
      )
      .join(words.listSeparator);
  }
  if (field === 'status' && typeof value === 'string')
    return lookup(words.statuses, value) ?? value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * One line per changed field ("email: a@x → b@x"), then what else the entry carries.
 * `nameOf` turns user ids (the receiving teacher of a transfer) into names.
 */
export function detailsInWords(entry: AuditEntry, nameOf: (userId: string) => string): string[] {
  const { before: rawBefore, after: rawAfter, ...rest } = entry.details;
  const before = record(rawBefore);
  const after = record(rawAfter);
  const lines: string[] = [];
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const field of fields) {
    const label = fieldInWords(field);
    const had = field in before;
    const has = field in after;
    if (had && has)
      lines.push(
        words.changed(label, valueInWords(field, before[field]), valueInWords(field, after[field])),
      );
    else lines.push(words.value(label, valueInWords(field, has ? after[field] : before[field])));
  }
  for (const [key, value] of Object.entries(rest)) {
    // The operation's id means nothing to a person; its entries are told apart by action.
    if (key === 'operationId') continue;
    if (key === 'toUserId' && typeof value === 'string')
      lines.push(words.value(words.to, nameOf(value)));
    else if (key === 'moved') lines.push(words.value(words.resultsMoved, valueInWords(key, value)));
    else if (key === 'error') lines.push(words.value(words.reason, valueInWords(key, value)));
    else lines.push(words.value(fieldInWords(key), valueInWords(key, value)));
  }
  return lines;
}

/**
 * Names the log itself knows: an invitation records the new user's name, a deletion the
 * deleted user's, so even people no longer in the centre keep their names here.
 */
export function namesInEntries(entries: AuditEntry[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.targetId) continue;
    const name = record(entry.details.after).name ?? record(entry.details.before).name;
    if (typeof name === 'string' && !names.has(entry.targetId)) names.set(entry.targetId, name);
  }
  return names;
}
