/**
 * A list cursor is opaque to clients but not trusted: one that was tampered with is a 400
 * VALIDATION_FAILED naming `cursor`, never a start key DynamoDB would refuse with an error
 * (which answered 500 INTERNAL on every paged route).
 */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toAttributes } from '../../functions/core/data/db.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const usersPartition = { GSI1PK: 'CENTRE#GB001#USERS' };
const goodUsersKey = {
  PK: 'USER#u1',
  SK: 'USER',
  GSI1PK: 'CENTRE#GB001#USERS',
  GSI1SK: 'ada#u1',
};

function refused(cursor: string, partition: Record<string, string>) {
  try {
    decodeCursor(cursor, partition);
  } catch (error) {
    return error as { code?: string; status?: number };
  }
  return undefined;
}

describe('list cursors', () => {
  it('takes back the cursor a page gave', () => {
    const cursor = encodeCursor(toAttributes(goodUsersKey)) as string;
    expect(decodeCursor(cursor, usersPartition)).toEqual(toAttributes(goodUsersKey));
    const table = { PK: 'CENTRE#GB001#AUDIT', SK: '2026-01-01T00:00:00.000Z#x' };
    expect(decodeCursor(b64(table), { PK: table.PK })).toEqual(toAttributes(table));
  });

  it.each([
    ['only the partition key', { GSI1PK: 'CENTRE#GB001#USERS' }],
    ['the index keys without the table keys', { GSI1PK: 'CENTRE#GB001#USERS', GSI1SK: 'a#1' }],
    ['an extra attribute', { ...goodUsersKey, GSI2PK: 'CENTRE#GB001#STATUS#active' }],
    ['an extra non-key attribute', { ...goodUsersKey, name: 'Ada' }],
    ['an empty value', { ...goodUsersKey, SK: '' }],
    ['a number', { ...goodUsersKey, SK: 1 }],
    ['another centre', { ...goodUsersKey, GSI1PK: 'CENTRE#GB002#USERS' }],
    ['an empty key', {}],
    ['an array', [goodUsersKey]],
  ])('refuses %s with 400 VALIDATION_FAILED', (_what, key) => {
    expect(refused(b64(key), usersPartition)).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
    });
  });

  it('refuses a table cursor carrying index keys, and text that is not base64url JSON', () => {
    const audit = { PK: 'CENTRE#GB001#AUDIT' };
    expect(refused(b64({ ...audit, SK: 'x', GSI1SK: 'y' }), audit)).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(refused('%%%', audit)).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
