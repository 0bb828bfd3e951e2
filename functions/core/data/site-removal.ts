/**
 * Taking sites away from a centre: the centre's eligibility changes at once (PATCH
 * /support/centres/{id}), and an operation then takes the sites from the centre's users in
 * bounded pages, in the site-removal workflow. The operation is an ordinary operation item
 * (OPERATION#id), so GET /centres/{id}/operations/{operationId} shows its progress.
 *
 * While it runs, the centre item names it (`siteRemoval`): a second PATCH taking the same
 * sites answers the same operation, and the sites cannot be given back to the centre until
 * every user has lost them (a user still holding one would otherwise get it back unasked).
 *
 * Each page of users is one transaction: the users, their audit entries, and the
 * operation's cursor and counts, conditional on the operation still being at that page. A
 * page run twice (a retried step, a resumed operation) finds the cursor moved on and
 * changes nothing; a step that crashed half-way changed nothing either.
 */
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { Site } from '../domain.js';
import { auditItem } from './audit.js';
import { type Centre, centreKey, centreNameIndexKeys, publicCentre } from './centre.js';
import {
  type Db,
  fromAttributes,
  getItem,
  type Item,
  putIfAbsent,
  toAttributes,
  transactWrite,
} from './db.js';
import { endOperationUpdate, operationKey } from './operation.js';
import { fromUserItem, getUser, replaceUserItem, type User } from './user.js';

export const siteRemovalType = 'site_removal';
export type SiteRemovalStatus = 'running' | 'succeeded' | 'failed';

export interface SiteRemoval {
  operationId: string;
  centreId: string;
  type: typeof siteRemovalType;
  /** The sites taken from every user of the centre. */
  sites: Site[];
  actorId: string;
  status: SiteRemovalStatus;
  /** Users of the centre looked at so far, and those who lost a site. */
  usersChecked: number;
  usersUpdated: number;
  /** Pages done; the next page starts after `cursor` (the last key read, JSON). */
  page: number;
  cursor?: string;
  /** Every user has been looked at. */
  complete: boolean;
  /** How many times a failed operation was started again (names its next execution). */
  resumes: number;
  error?: string;
  startedAt: string;
  endedAt?: string;
}

/** What the centre item holds while a site removal runs. */
export interface RunningSiteRemoval {
  operationId: string;
  sites: Site[];
}

const centreUsersPartition = (centreId: string) => `CENTRE#${centreId}#USERS`;

export const isSiteRemovalItem = (item: Item) => item.operationType === siteRemovalType;

export const fromSiteRemovalItem = (item: Item): SiteRemoval => ({
  operationId: item.operationId as string,
  centreId: item.centreId as string,
  type: siteRemovalType,
  sites: (item.sites as Site[]) ?? [],
  actorId: item.actorId as string,
  status: item.status as SiteRemovalStatus,
  usersChecked: Number(item.usersChecked ?? 0),
  usersUpdated: Number(item.usersUpdated ?? 0),
  page: Number(item.page ?? 0),
  ...(typeof item.cursor === 'string' ? { cursor: item.cursor } : {}),
  complete: item.complete === true,
  resumes: Number(item.resumes ?? 0),
  ...(item.error ? { error: item.error as string } : {}),
  startedAt: item.startedAt as string,
  ...(item.endedAt ? { endedAt: item.endedAt as string } : {}),
});

/** What the API shows (the Operation object): progress, never the cursor. */
export const publicSiteRemoval = (operation: SiteRemoval) => ({
  operationId: operation.operationId,
  type: operation.type,
  sites: operation.sites,
  status: operation.status,
  moved: 0,
  usersChecked: operation.usersChecked,
  usersUpdated: operation.usersUpdated,
  ...(operation.error ? { error: operation.error } : {}),
  startedAt: operation.startedAt,
  ...(operation.endedAt ? { endedAt: operation.endedAt } : {}),
});

export async function getSiteRemoval(
  db: Db,
  operationId: string,
): Promise<SiteRemoval | undefined> {
  const item = await getItem(db, operationKey(operationId));
  return item && isSiteRemovalItem(item) ? fromSiteRemovalItem(item) : undefined;
}

/** The execution that runs the operation now: its id, then `<id>-<n>` after n resumes. */
export const executionNameOf = (operation: Pick<SiteRemoval, 'operationId' | 'resumes'>) =>
  operation.resumes ? `${operation.operationId}-${operation.resumes}` : operation.operationId;

/**
 * Transaction items that record the centre's new name and sites, and, when sites are taken
 * away, the new operation and its place on the centre. Conditional on the centre being as
 * it was read (updatedAt) and, for a removal, on no other removal running: two requests at
 * once cannot both change the sites, nor both start a removal.
 */
export function changeCentreItems(
  db: Db,
  before: Centre,
  after: Centre,
  actorId: string,
  removal?: SiteRemoval,
): TransactWriteItem[] {
  const marker: RunningSiteRemoval | undefined = removal && {
    operationId: removal.operationId,
    sites: removal.sites,
  };
  const nameKeys = centreNameIndexKeys(after);
  return [
    {
      Update: {
        TableName: db.tableName,
        Key: toAttributes(centreKey(before.centreId)),
        UpdateExpression: `SET #name = :name, eligibleSites = :sites, updatedAt = :at, GSI2PK = :namesPartition, GSI2SK = :nameKey${marker ? ', siteRemoval = :marker' : ''}`,
        ConditionExpression: `attribute_exists(PK) AND updatedAt = :before${marker ? ' AND attribute_not_exists(siteRemoval)' : ''}`,
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: toAttributes({
          ':name': after.name,
          ':sites': after.eligibleSites,
          ':at': after.updatedAt,
          ':before': before.updatedAt,
          ':namesPartition': nameKeys.GSI2PK,
          ':nameKey': nameKeys.GSI2SK,
          ...(marker ? { ':marker': marker } : {}),
        }),
      },
    },
    ...(removal
      ? [
          putIfAbsent(db, {
            ...operationKey(removal.operationId),
            type: 'operation',
            operationType: removal.type,
            ...withoutType(removal),
          }),
          auditItem(db, before.centreId, {
            at: removal.startedAt,
            actorId: removal.actorId,
            action: 'operation.site_removal.started',
            details: { operationId: removal.operationId, sites: removal.sites },
          }),
        ]
      : []),
    auditItem(db, before.centreId, {
      at: after.updatedAt,
      actorId,
      action: 'centre.updated',
      details: { before: publicCentre(before), after: publicCentre(after) },
    }),
  ];
}

const withoutType = ({ type: _type, ...rest }: SiteRemoval) => rest;

/** A failed removal runs again from the page where it stopped (conditional on `failed`). */
export async function resumeSiteRemoval(db: Db, operation: SiteRemoval): Promise<boolean> {
  const written = await transactWrite(db, [
    {
      Update: {
        TableName: db.tableName,
        Key: toAttributes(operationKey(operation.operationId)),
        UpdateExpression: 'SET #status = :running, resumes = :resumes REMOVE #error, endedAt',
        ConditionExpression: '#status = :failed AND resumes = :before',
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: toAttributes({
          ':running': 'running',
          ':failed': 'failed',
          ':resumes': operation.resumes + 1,
          ':before': operation.resumes,
        }),
      },
    },
  ]);
  return written.ok;
}

export interface PageOutcome {
  /** Users read, and users who lost a site, in this page. */
  checked: number;
  updated: number;
  /** Whether this page was done now (false: an earlier run had done it). */
  done: boolean;
  complete: boolean;
  /** Where the next page starts. */
  cursor?: string;
}

/**
 * One page: at most `pageSize` users of the centre read (in name order, from the cursor),
 * and those holding one of the sites lose them, all in one transaction with the operation's
 * new cursor and counts. `pageSize` users make at most 2 × pageSize + 1 transaction items.
 */
export async function takeSitesPage(
  db: Db,
  operation: SiteRemoval,
  pageSize: number,
  now: () => string,
): Promise<PageOutcome> {
  const siteValues = Object.fromEntries(operation.sites.map((site, at) => [`:site${at}`, site]));
  const result = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :partition',
      // Limit counts users read, not kept: a page reads at most pageSize whatever it finds.
      FilterExpression: Object.keys(siteValues)
        .map((name) => `contains(sites, ${name})`)
        .join(' OR '),
      ExpressionAttributeValues: toAttributes({
        ':partition': centreUsersPartition(operation.centreId),
        ...siteValues,
      }),
      Limit: pageSize,
      ...(operation.cursor
        ? { ExclusiveStartKey: JSON.parse(operation.cursor) as Record<string, AttributeValue> }
        : {}),
    }),
  );
  const checked = result.ScannedCount ?? 0;
  const next = result.LastEvaluatedKey ? JSON.stringify(result.LastEvaluatedKey) : undefined;
  let holders = (result.Items ?? []).map((item) => fromUserItem(fromAttributes(item)));

  for (let attempt = 1; ; attempt++) {
    const at = now();
    const changes = holders
      .filter((user) => user.sites.some((site) => operation.sites.includes(site)))
      .map((user) => ({
        before: user,
        after: {
          ...user,
          sites: user.sites.filter((site) => !operation.sites.includes(site)),
          updatedAt: at,
        },
      }));
    const written = await transactWrite(db, [
      advanceItem(db, operation, {
        checked,
        updated: changes.length,
        ...(next ? { cursor: next } : {}),
      }),
      ...changes.flatMap(({ before, after }) => [
        replaceUserItem(db, before, after),
        auditItem(db, operation.centreId, {
          at,
          actorId: operation.actorId,
          action: 'user.site_access_removed',
          targetId: before.userId,
          details: {
            operationId: operation.operationId,
            before: { sites: before.sites },
            after: { sites: after.sites },
          },
        }),
      ]),
    ]);
    if (written.ok)
      return {
        checked,
        updated: changes.length,
        done: true,
        complete: !next,
        ...(next ? { cursor: next } : {}),
      };
    // The operation is past this page already: an earlier run did it.
    if (written.failedIndex === 0) return { checked: 0, updated: 0, done: false, complete: false };
    // The index lags, or someone changed a user meanwhile: read this page's users again.
    if (attempt >= 3) throw new UsersKeptChanging();
    holders = (await Promise.all(holders.map((user) => getUser(db, user.userId)))).filter(
      (user): user is User => user?.centreId === operation.centreId,
    );
  }
}

export class UsersKeptChanging extends Error {
  override name = 'UsersKeptChanging';
}

/** The operation moves past one page, only from the page it was at and while running. */
function advanceItem(
  db: Db,
  operation: SiteRemoval,
  page: { checked: number; updated: number; cursor?: string },
): TransactWriteItem {
  return {
    Update: {
      TableName: db.tableName,
      Key: toAttributes(operationKey(operation.operationId)),
      UpdateExpression: `SET #page = :next, complete = :complete${page.cursor ? ', #cursor = :cursor' : ''} ADD usersChecked :checked, usersUpdated :updated${page.cursor ? '' : ' REMOVE #cursor'}`,
      ConditionExpression: '#page = :page AND #status = :running',
      ExpressionAttributeNames: { '#page': 'page', '#status': 'status', '#cursor': 'cursor' },
      ExpressionAttributeValues: toAttributes({
        ':page': operation.page,
        ':next': operation.page + 1,
        ':complete': !page.cursor,
        ':checked': page.checked,
        ':updated': page.updated,
        ':running': 'running',
        ...(page.cursor ? { ':cursor': page.cursor } : {}),
      }),
    },
  };
}

/**
 * Ends the operation. Succeeded: only once every user was looked at, and the centre no
 * longer names it (the sites may be given back again). Failed: the centre keeps naming it,
 * so the sites stay refused until the same change, sent again, resumes it.
 */
export async function endSiteRemoval(
  db: Db,
  operation: SiteRemoval,
  end: { status: 'succeeded' | 'failed'; error?: string; at: string },
): Promise<boolean> {
  const succeeded = end.status === 'succeeded';
  const written = await transactWrite(db, [
    endOperationUpdate(
      db,
      operation.operationId,
      end,
      succeeded ? { expression: 'complete = :true', values: { ':true': true } } : undefined,
    ),
    ...(succeeded
      ? [
          {
            Update: {
              TableName: db.tableName,
              Key: toAttributes(centreKey(operation.centreId)),
              UpdateExpression: 'REMOVE siteRemoval',
              ConditionExpression: 'siteRemoval.operationId = :operationId',
              ExpressionAttributeValues: toAttributes({ ':operationId': operation.operationId }),
            },
          },
        ]
      : []),
    auditItem(db, operation.centreId, {
      at: end.at,
      actorId: operation.actorId,
      action: `operation.site_removal.${end.status}`,
      details: {
        operationId: operation.operationId,
        sites: operation.sites,
        usersChecked: operation.usersChecked,
        usersUpdated: operation.usersUpdated,
        ...(end.error ? { error: end.error } : {}),
      },
    }),
  ]);
  return written.ok;
}
