/**
 * The one table's key schema, read by CDK (infra/) and by the local runtime to create the
 * same table in DynamoDB Local. Every key is a string; see docs/table-design in README.md.
 */
export const tableSchema = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Items that expire (idempotency records, codes) carry epoch seconds here. */
  timeToLiveAttribute: 'expiresAt',
  /**
   * Every index projects ALL (issue 12, "GSIs project only what their queries read", decided
   * against; README, "Table design"): each query of GSI1–GSI4 maps whole items (a user, a
   * centre, a result) that the API answers with, or reads and writes them back (the
   * site-removal pages, the result transfer). KEYS_ONLY would cost a BatchGetItem per page,
   * and an INCLUDE of every attribute a user has is ALL with a list to keep in step. The
   * one query that reads a few attributes (the word-index search, data/user-search.ts) shares
   * GSI1 with queries that need whole items.
   */
  globalSecondaryIndexes: [
    /**
     * Users of a centre by name; centres by id; a centre's word index (`CENTRE#<id>#SEARCH#<start>`,
     * users by name, data/user-search.ts).
     */
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' },
    /** Users of a centre with one status (invited, active, suspended), by name; centres by name. */
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: 'ALL' },
    /** Users of a centre with one role (admin, teacher), by name. */
    { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK', projection: 'ALL' },
    /** People of every centre by name, one partition per first two letters (support's search). */
    { indexName: 'GSI4', partitionKey: 'GSI4PK', sortKey: 'GSI4SK', projection: 'ALL' },
    /**
     * Users of a centre whose emails are not arriving (failed, bouncing, complained), by name.
     * Sparse: only those users carry GSI5 keys, so the Users page's email filter reads them alone.
     */
    { indexName: 'GSI5', partitionKey: 'GSI5PK', sortKey: 'GSI5SK', projection: 'ALL' },
  ],
} as const;

export type IndexName = (typeof tableSchema.globalSecondaryIndexes)[number]['indexName'];
