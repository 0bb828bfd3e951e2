/**
 * The local stack keeps each handler log line with the request that wrote it (infra/local/
 * handler-logs.ts): `npm start` prints one line per request, tests print a failing test's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '../../functions/core/logger.js';
import { captureHandlerLogs, levelOf, withRequestLogs } from '../../infra/local/handler-logs.js';

const original = Reflect.get(logger, 'console');
afterEach(() => {
  Reflect.set(logger, 'console', original);
  logger.setLogLevel('SILENT');
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('handler logs on the local stack', () => {
  it('go to the request that wrote them, even while requests interleave', async () => {
    const unattributed: string[] = [];
    captureHandlerLogs({ unattributed: (line) => unattributed.push(line) });
    logger.setLogLevel('INFO');

    const serve = (name: string) =>
      withRequestLogs(async () => {
        logger.info(`${name} starts`);
        await tick();
        logger.error(`${name} fails`);
      });
    const first = serve('first');
    const second = serve('second');
    await Promise.all([first.result, second.result]);
    logger.info('a workflow task');

    const messages = (lines: string[]) => lines.map((line) => JSON.parse(line).message);
    expect(messages(first.lines)).toEqual(['first starts', 'first fails']);
    expect(messages(second.lines)).toEqual(['second starts', 'second fails']);
    expect(messages(unattributed)).toEqual(['a workflow task']);
    expect(first.lines.map(levelOf)).toEqual(['INFO', 'ERROR']);
  });

  it('reads no level from a line that is not a Powertools line', () => {
    expect(levelOf('not json')).toBeUndefined();
    expect(levelOf('{"message":"no level"}')).toBeUndefined();
  });
});
