/**
 * The audit log in plain words. The API records actions as codes ("user.suspended") and the
 * changed fields as `details.before` / `details.after`; a code not listed here is shown as
 * it is, so a new action is never hidden.
 */
import { siteNames } from './centre';
import type { AuditEntry } from './user-detail';

const actionWords: Record<string, string> = {
  'centre.created': 'Created the centre',
  'centre.updated': 'Changed the centre',
  'user.invited': 'Added a user and sent an invitation',
  'user.invitation_resent': 'Resent an invitation',
  'user.activated': 'Signed in for the first time',
  'user.edited': 'Edited a user',
  'user.suspended': 'Suspended a user',
  'user.restored': 'Restored a user',
  'user.deleted': 'Deleted a user',
  'user.password_reset_requested': 'Sent a code to set a new password',
  'user.password_reset': 'Set a new password with a code',
  'user.password_changed': 'Changed their password',
  'user.email_changed': 'Changed their email address',
  'user.profile_changed': 'Changed their profile',
  'user.picture_changed': 'Changed a profile picture',
  'user.picture_removed': 'Removed a profile picture',
  'user.signed_out': 'Signed out everywhere',
  'user.site_access_removed': 'Removed site access (the centre is no longer eligible)',
  'data.transferred': 'Transferred Progression Test data',
  'operation.delete.started': 'Started deleting a user',
  'operation.delete.succeeded': 'Finished deleting a user',
  'operation.delete.failed': 'Could not delete a user',
  'operation.transfer.started': 'Started transferring Progression Test data',
  'operation.transfer.succeeded': 'Finished transferring Progression Test data',
  'operation.transfer.failed': 'Could not transfer Progression Test data',
  'operation.offboarding.started': 'Started removing a user',
  'operation.offboarding.succeeded': 'Finished removing a user',
  'operation.offboarding.needs_transfer':
    'Suspended a user whose Progression Test data must be transferred',
  'operation.offboarding.failed': 'Could not remove a user',
};

export const actionInWords = (action: string) => actionWords[action] ?? action;

/** Actions only customer services take: their actor belongs to no centre. */
const supportActions = new Set(['centre.created', 'centre.updated', 'user.site_access_removed']);
export const isSupportAction = (action: string) => supportActions.has(action);

const fieldWords: Record<string, string> = {
  name: 'name',
  email: 'email',
  isAdmin: 'admin rights',
  sites: 'sites',
  eligibleSites: 'eligible sites',
  status: 'status',
  picture: 'picture',
  centreId: 'centre number',
};

const statusWords: Record<string, string> = {
  invited: 'invited',
  active: 'active',
  suspended: 'suspended',
};

function valueInWords(field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return value
      .map((item) =>
        (field === 'sites' || field === 'eligibleSites') && typeof item === 'string'
          ? (siteNames[item] ?? item)
          : String(item),
      )
      .join(', ');
  }
  if (field === 'status' && typeof value === 'string') return statusWords[value] ?? value;
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
    const label = fieldWords[field] ?? field;
    const had = field in before;
    const has = field in after;
    if (had && has)
      lines.push(
        `${label}: ${valueInWords(field, before[field])} → ${valueInWords(field, after[field])}`,
      );
    else lines.push(`${label}: ${valueInWords(field, has ? after[field] : before[field])}`);
  }
  for (const [key, value] of Object.entries(rest)) {
    // The operation's id means nothing to a person; its entries are told apart by action.
    if (key === 'operationId') continue;
    if (key === 'toUserId' && typeof value === 'string') lines.push(`to: ${nameOf(value)}`);
    else if (key === 'moved') lines.push(`results moved: ${valueInWords(key, value)}`);
    else if (key === 'error') lines.push(`reason: ${valueInWords(key, value)}`);
    else lines.push(`${fieldWords[key] ?? key}: ${valueInWords(key, value)}`);
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
