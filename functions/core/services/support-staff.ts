/**
 * Support staff (customer services): a Cognito login in the `support` group plus a user
 * record with no centre. One code path for the local support account (a known password) and
 * for the operator command (`npm run ops -- support-user …`, scripts/ops.ts), which invites
 * by email with a temporary password, so the person chooses their own at first sign-in
 * (Cognito's FORCE_CHANGE_PASSWORD: `POST /auth/login` answers NEW_PASSWORD_REQUIRED).
 *
 * As the API's add-user (invite-user.ts), each step undoes the earlier ones when it fails:
 * no login without a record, no record without a login, nobody added without the email.
 */
import {
  type AttributeValue,
  QueryCommand,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Db, deleteItem, fromAttributes, toAttributes, transactWrite } from '../data/db.js';
import {
  createUserItems,
  emailKey,
  getUser,
  getUserIdByEmail,
  listSupportUsers,
  supportStaffPartition,
  type User,
  userKey,
} from '../data/user.js';
import { normalizeEmail, supportGroup } from '../domain.js';
import { supportInvitationEmail } from '../emails.js';
import { ProblemError } from '../errors.js';
import { temporaryPassword } from '../passwords.js';
import type { Clock, Identity, Mailer } from '../ports.js';
import { createLogin, undoLogin } from './invite-user.js';

export interface SupportStaffDeps {
  db: Db;
  identity: Identity;
  clock: Clock;
  /** Only for an invitation (no `password`): the email and the console it links to. */
  mailer?: Mailer;
  consoleUrl?: string;
}

/** Why the operator's request was refused; the command turns each into a message and exit code. */
export type SupportStaffRefusal =
  | 'ALREADY_SUPPORT'
  | 'EMAIL_OF_CENTRE_USER'
  | 'LOGIN_WITHOUT_RECORD'
  | 'NOT_FOUND'
  | 'NOT_SUPPORT'
  | 'LAST_SUPPORT_USER'
  | 'EMAIL_NOT_SENT';

export class SupportStaffError extends Error {
  constructor(
    readonly refusal: SupportStaffRefusal,
    message: string,
    readonly user?: User,
  ) {
    super(message);
    this.name = 'SupportStaffError';
  }
}

export const defaultSupportName = 'Customer Services';

/**
 * Adds a support user. With `password` (the local support account) the login gets it as a
 * permanent password and no email is sent; without, the login keeps a temporary password
 * that is emailed, and must be changed at first sign-in.
 */
export async function addSupportUser(
  deps: SupportStaffDeps,
  input: { email: string; name?: string; password?: string },
): Promise<User> {
  const { db, identity } = deps;
  const email = normalizeEmail(input.email);
  const invite = input.password === undefined;
  if (invite && (!deps.mailer || !deps.consoleUrl))
    throw new Error('An invitation needs a mailer and the console URL');

  const existingId = await getUserIdByEmail(db, email);
  if (existingId) throw await refusalForExisting(db, email, existingId);

  const password = input.password ?? temporaryPassword();
  let userId: string;
  try {
    // The emailed password itself is the login's temporary one (FORCE_CHANGE_PASSWORD).
    ({ userId } = await createLogin(deps, email, invite ? password : temporaryPassword()));
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'EMAIL_TAKEN')
      throw new SupportStaffError(
        'LOGIN_WITHOUT_RECORD',
        `${email} already has a login in the user pool, made in the last few minutes, with no record in the table; try again in five minutes (a half-made login is then removed)`,
      );
    throw error;
  }
  try {
    if (!invite) await identity.setPassword(userId, password, true);
    await identity.addToGroup(userId, supportGroup);
  } catch (error) {
    await undoLogin(identity, userId);
    throw error;
  }

  const now = deps.clock().toISOString();
  const user: User = {
    userId,
    centreId: null,
    name: input.name ?? defaultSupportName,
    email,
    isAdmin: false,
    isSupport: true,
    sites: [],
    // Invited until the first sign-in has chosen a password (POST /auth/new-password makes
    // them active): the sign-in answers NEW_PASSWORD_REQUIRED for an invited user, as Cognito
    // does for the login's temporary password (FORCE_CHANGE_PASSWORD).
    status: invite ? 'invited' : 'active',
    tokensValidAfter: 0,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  let written: Awaited<ReturnType<typeof transactWrite>>;
  try {
    written = await transactWrite(db, createUserItems(db, user));
  } catch (error) {
    await undoLogin(identity, userId);
    throw error;
  }
  if (!written.ok) {
    await undoLogin(identity, userId);
    const racedId = await getUserIdByEmail(db, email);
    throw racedId
      ? await refusalForExisting(db, email, racedId)
      : new Error(`The record of ${email} could not be written`);
  }

  if (invite) {
    try {
      await (deps.mailer as Mailer).send(
        supportInvitationEmail(deps.consoleUrl as string, {
          to: email,
          name: user.name,
          temporaryPassword: password,
        }),
      );
    } catch (error) {
      await undoSupportUser(deps, user);
      throw new SupportStaffError(
        'EMAIL_NOT_SENT',
        `The invitation email could not be sent (${(error as Error).name}), so ${email} was not added`,
      );
    }
  }
  return user;
}

async function refusalForExisting(db: Db, email: string, userId: string) {
  const user = await getUser(db, userId);
  if (user?.isSupport && !user.centreId) {
    await listSupportUser(db, user);
    return new SupportStaffError('ALREADY_SUPPORT', `${email} is already a support user`, user);
  }
  return new SupportStaffError(
    'EMAIL_OF_CENTRE_USER',
    `${email} already belongs to a user of centre ${user?.centreId ?? '(unknown)'}; a support user needs an address of their own`,
    user,
  );
}

/**
 * A support user made before support staff were listed (README's old CLI sequence) has no
 * GSI1 keys: `add` of their email puts them in the list. Nothing when they are there already.
 */
async function listSupportUser(db: Db, user: User) {
  try {
    await db.client.send(
      new UpdateItemCommand({
        TableName: db.tableName,
        Key: toAttributes(userKey(user.userId)),
        UpdateExpression: 'SET GSI1PK = :partition, GSI1SK = :sort',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(GSI1PK)',
        ExpressionAttributeValues: toAttributes({
          ':partition': supportStaffPartition,
          ':sort': `${user.name.toLowerCase()}#${user.userId}`,
        }),
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

async function undoSupportUser(deps: SupportStaffDeps, user: User) {
  try {
    await transactWrite(deps.db, [
      deleteItem(deps.db, userKey(user.userId)),
      deleteItem(deps.db, emailKey(user.email)),
    ]);
  } catch {
    // Left behind, the record has a login that cannot sign in with a password nobody knows;
    // `remove` clears it.
    return;
  }
  await undoLogin(deps.identity, user.userId);
}

/**
 * Removes a support user: their record, email marker and whatever else is kept under their
 * id, in one transaction that also checks another support user still exists (so two
 * operators removing the last two at once cannot both succeed); then their login.
 */
export async function removeSupportUser(
  deps: SupportStaffDeps,
  rawEmail: string,
): Promise<{ user: User; loginRemoved: boolean }> {
  const { db } = deps;
  const email = normalizeEmail(rawEmail);
  const userId = await getUserIdByEmail(db, email);
  const user = userId ? await getUser(db, userId) : undefined;
  if (!user) throw new SupportStaffError('NOT_FOUND', `${email} has no account`);
  if (!user.isSupport || user.centreId)
    throw new SupportStaffError(
      'NOT_SUPPORT',
      `${email} is a user of centre ${user.centreId ?? '(none)'}, not a support user; centre users are managed in the console`,
      user,
    );
  const others = (await listSupportUsers(db)).filter((other) => other.userId !== user.userId);
  const keeper = others[0];
  if (!keeper)
    throw new SupportStaffError(
      'LAST_SUPPORT_USER',
      `${email} is the last support user; add another before removing this one`,
      user,
    );

  const owned = await itemsUnder(db, user.userId);
  const items: TransactWriteItem[] = [
    {
      ConditionCheck: {
        TableName: db.tableName,
        Key: toAttributes(userKey(keeper.userId)),
        ConditionExpression: 'attribute_exists(PK) AND isSupport = :yes',
        ExpressionAttributeValues: toAttributes({ ':yes': true }),
      },
    },
    {
      Delete: {
        TableName: db.tableName,
        Key: toAttributes(emailKey(email)),
        ConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: toAttributes({ ':userId': user.userId }),
      },
    },
    ...owned.map((key) => deleteItem(db, key)),
  ];
  const written = await transactWrite(db, items);
  if (!written.ok)
    throw new SupportStaffError(
      written.failedIndex === 0 ? 'LAST_SUPPORT_USER' : 'NOT_FOUND',
      written.failedIndex === 0
        ? `${email} was not removed: the other support user was removed at the same moment`
        : `${email} changed while it was being removed; nothing was removed, run the command again`,
      user,
    );
  try {
    await deps.identity.deleteUser(user.userId);
    return { user, loginRemoved: true };
  } catch {
    // The record is gone, so the login is refused by every request; adding the same email
    // again later removes it (invite-user.ts createLogin).
    return { user, loginRemoved: false };
  }
}

/** Keys of every item in the user's partition (the user, a pending email change, locks): a few. */
async function itemsUnder(db: Db, userId: string) {
  const keys: { PK: string; SK: string }[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: toAttributes({ ':pk': userKey(userId).PK }),
        ProjectionExpression: 'PK, SK',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const { PK, SK } = fromAttributes(item) as { PK: string; SK: string };
      keys.push({ PK, SK });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return keys;
}

export { listSupportUsers };
