/**
 * Seeding for tests and the bench: writes items straight into the table with BatchWriteItem,
 * 25 a request and 8 requests at once, sending again what DynamoDB leaves unprocessed.
 */
import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { Db } from '../../functions/core/data/db.js';

export async function batchWriteAll(db: Db, requests: WriteRequest[]): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += 25)
    batches.push(requests.slice(start, start + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        let pending: WriteRequest[] | undefined = batches[next++];
        for (let attempt = 0; pending?.length; attempt++) {
          if (attempt > 20) throw new Error('BatchWriteItem kept leaving items unprocessed');
          const answer: BatchWriteItemCommandOutput = await db.client.send(
            new BatchWriteItemCommand({ RequestItems: { [db.tableName]: pending } }),
          );
          pending = answer.UnprocessedItems?.[db.tableName];
        }
      }
    }),
  );
}
