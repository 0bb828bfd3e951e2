/**
 * The outbox's sender over a batch of the table's stream records (DynamoDB Streams → Lambda,
 * the event source filtered to new outbox items): one email after another, spaced to the
 * configured rate. A record that must be tried again is reported as the batch's first
 * failure, so the stream retries from it (ReportBatchItemFailures); records after it are not
 * sent in this invocation, so none is sent twice.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { outboxItemType } from '../core/data/outbox.js';
import { logger } from '../core/logger.js';
import { type SenderDeps, sendOutboxEntry } from '../core/services/outbox-sender.js';

export interface BatchDeps extends SenderDeps {
  /** Fewest milliseconds between two sends. */
  minIntervalMs: number;
  now: () => number;
}

/** The outbox item a stream record brings, if it is a new one. */
export function outboxIdOf(record: DynamoDBStreamEvent['Records'][number]): string | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image?.type?.S !== outboxItemType) return undefined;
  return image.outboxId?.S;
}

export async function sendBatch(
  deps: BatchDeps,
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse> {
  let lastStart: number | undefined;
  for (const record of event.Records) {
    const outboxId = outboxIdOf(record);
    if (!outboxId) continue;
    if (lastStart !== undefined) {
      const wait = lastStart + deps.minIntervalMs - deps.now();
      if (wait > 0) await deps.sleep(wait);
    }
    lastStart = deps.now();
    let outcome: Awaited<ReturnType<typeof sendOutboxEntry>>;
    try {
      outcome = await sendOutboxEntry(deps, outboxId);
    } catch (error) {
      logger.error('outbox entry could not be handled', { outboxId, error });
      outcome = 'retry';
    }
    if (outcome === 'retry')
      return {
        batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }],
      };
  }
  return { batchItemFailures: [] };
}
