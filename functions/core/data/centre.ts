import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Site } from '../domain.js';
import {
  type Db,
  getItem,
  type Item,
  type Page,
  putIfAbsent,
  queryPage,
  toAttributes,
} from './db.js';

export interface Centre {
  centreId: string;
  name: string;
  eligibleSites: Site[];
  /** Coordinators who are active (moved with every change that makes or unmakes one). */
  activeAdminCount?: number;
  /** The site removal running now, while one runs (data/site-removal.ts). */
  siteRemoval?: { operationId: string; sites: Site[] };
  createdAt: string;
  updatedAt: string;
}

export const centreKey = (centreId: string) => ({ PK: `CENTRE#${centreId}`, SK: 'CENTRE' });
// Every centre sits in one GSI1 partition, by id: support lists them page by page…
const allCentresPartition = 'CENTRES';
// …and in one GSI2 partition by name (lower-cased; the id breaks ties), for support's search.
const centreNamesPartition = 'CENTRE_NAMES';
const centreNameSortKey = (centre: Pick<Centre, 'name' | 'centreId'>) =>
  `${centre.name.toLowerCase()}#${centre.centreId}`;
/** A centre's place in the name index (also what scripts/backfill-search-keys.ts writes). */
export const centreNameIndexKeys = (centre: Pick<Centre, 'name' | 'centreId'>) => ({
  GSI2PK: centreNamesPartition,
  GSI2SK: centreNameSortKey(centre),
});

export const toCentreItem = (centre: Centre): Item => ({
  ...centreKey(centre.centreId),
  GSI1PK: allCentresPartition,
  GSI1SK: centre.centreId,
  ...centreNameIndexKeys(centre),
  type: 'centre',
  ...centre,
});

export const fromCentreItem = (item: Item): Centre => ({
  centreId: item.centreId as string,
  name: item.name as string,
  eligibleSites: (item.eligibleSites as Site[]) ?? [],
  activeAdminCount: Number(item.activeAdminCount ?? 0),
  ...(item.siteRemoval
    ? { siteRemoval: item.siteRemoval as { operationId: string; sites: Site[] } }
    : {}),
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

export const publicCentre = ({ centreId, name, eligibleSites }: Centre) => ({
  centreId,
  name,
  eligibleSites,
});

/** Centre by id. */
export async function getCentre(db: Db, centreId: string): Promise<Centre | undefined> {
  const item = await getItem(db, centreKey(centreId));
  return item ? fromCentreItem(item) : undefined;
}

/** A centre's name for an email, or its id if the centre is gone. */
export async function centreNameOf(db: Db, centreId: string): Promise<string> {
  return (await getCentre(db, centreId))?.name ?? centreId;
}

/** Transaction item: create a centre unless one with that id exists. */
export const createCentreItem = (db: Db, centre: Centre) => putIfAbsent(db, toCentreItem(centre));

/**
 * Every centre, ordered by id; with `q`, only those it names: a `q` with a digit is the
 * start of a centre id (ordered by id), any other the start of the name, case-insensitively
 * (ordered by name). Either way one key range of one index: only matching centres are read.
 */
export function listCentres(
  db: Db,
  limit: number,
  cursor: string | undefined,
  q?: string,
): Promise<Page<Centre>> {
  const [index, partition, prefix] =
    q === undefined
      ? (['GSI1', allCentresPartition, undefined] as const)
      : /[0-9]/.test(q)
        ? (['GSI1', allCentresPartition, q.toUpperCase()] as const)
        : (['GSI2', centreNamesPartition, q.toLowerCase()] as const);
  return queryPage(
    db,
    {
      IndexName: index,
      KeyConditionExpression: `${index}PK = :partition${prefix === undefined ? '' : ` AND begins_with(${index}SK, :prefix)`}`,
      ExpressionAttributeValues: toAttributes({
        ':partition': partition,
        ...(prefix === undefined ? {} : { ':prefix': prefix }),
      }),
    },
    {
      limit,
      cursor,
      partition: { [`${index}PK`]: partition },
      ...(prefix === undefined ? {} : { sortKeyPrefix: { [`${index}SK`]: prefix } }),
      map: fromCentreItem,
    },
  );
}

/**
 * Transaction item: moves the centre's count of active coordinators by `delta`. Taking one
 * away is conditional on at least one staying, so two coordinators demoting each other at
 * the same moment cannot both succeed (transactions on the one centre item serialize).
 */
export function adjustActiveAdminsItem(db: Db, centreId: string, delta: number): TransactWriteItem {
  return {
    Update: {
      TableName: db.tableName,
      Key: toAttributes(centreKey(centreId)),
      UpdateExpression: 'ADD activeAdminCount :delta',
      ConditionExpression:
        delta < 0 ? 'attribute_exists(PK) AND activeAdminCount >= :least' : 'attribute_exists(PK)',
      ExpressionAttributeValues: toAttributes({
        ':delta': delta,
        ...(delta < 0 ? { ':least': 1 - delta } : {}),
      }),
    },
  };
}

/**
 * Transaction item: a centre's name and eligible sites, only if it exists. The name index
 * (GSI2) moves with the name.
 */
export const updateCentreItem = (db: Db, centre: Centre): TransactWriteItem => ({
  Update: {
    TableName: db.tableName,
    Key: toAttributes(centreKey(centre.centreId)),
    UpdateExpression:
      'SET #name = :name, eligibleSites = :sites, updatedAt = :at, GSI2PK = :namesPartition, GSI2SK = :nameKey',
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeNames: { '#name': 'name' },
    ExpressionAttributeValues: toAttributes({
      ':name': centre.name,
      ':sites': centre.eligibleSites,
      ':at': centre.updatedAt,
      ':namesPartition': centreNamesPartition,
      ':nameKey': centreNameSortKey(centre),
    }),
  },
});
