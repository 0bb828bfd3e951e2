/**
 * The local API server plays CloudFront as it stands in front of the API in AWS
 * (hub:apiDomain): it sends the handlers' origin secret and the client's own address, and a
 * client cannot forge either, so the handlers run the same edge checks as deployed ones.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { edgeHeaders } from '../../functions/core/edge.js';
import { api, sleep } from '../support/hub.js';
import { logFileOf } from '../support/test-logs-file.js';

const linesOf = async (testId: string) => {
  // The server files a request's lines once its answer is sent, a moment after the client has it.
  await sleep(150);
  const text = await readFile(logFileOf(inject('hub').logDir, testId), 'utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
};

describe('the API behind its edge, locally', () => {
  it("logs the client's own address, whatever the client claims, and serves it", async ({
    task,
  }) => {
    const answer = await api('GET', '/health', {
      headers: {
        [edgeHeaders.viewerIp]: '198.51.100.9',
        [edgeHeaders.originSecret]: 'a guess at the secret',
      },
    });
    // The forged secret was replaced by the real one, as CloudFront does.
    expect(answer.status).toBe(200);
    const request = (await linesOf(task.id)).find((line) => line.message === 'request');
    expect(request?.clientIp).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
  });
});
