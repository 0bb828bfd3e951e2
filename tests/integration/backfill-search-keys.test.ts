/**
 * scripts/backfill-search-keys.ts against DynamoDB Local: items written before issue 10 (no
 * centre name index, no people index, no learner resultCount) become findable by support's
 * searches, and a learner with results becomes impossible to remove. Issue 11: users
 * without their word-index items (or with items other rules wrote) are found by the
 * centre's search again. Running it again changes nothing.
 */
import {
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { centreKey } from '../../functions/core/data/centre.js';
import { fromAttributes, toAttributes } from '../../functions/core/data/db.js';
import { learnerKey } from '../../functions/core/data/progression.js';
import { userKey } from '../../functions/core/data/user.js';
import { backfillSearchKeys } from '../../scripts/backfill-search-keys.js';
import { localDynamoDb } from '../support/emulators.js';
import { activeUser, api, centreWithCoordinator, hub, problem, problemOf } from '../support/hub.js';
import { addLearner, recordResults, sitePath } from '../support/progression.js';

const letters = (count: number) =>
  Array.from({ length: count }, () =>
    String.fromCharCode(97 + Math.floor(Math.random() * 26)),
  ).join('');

describe('backfilling the keys of issue 10', () => {
  it('makes old centres, people and learners with results what the new code would have written', async () => {
    // Arrange: a centre, a person and a learner with a result, then their new keys taken away
    const db = { client: localDynamoDb(), tableName: hub().tableName };
    const centre = await centreWithCoordinator(['primary']);
    const centreName = `Bf${letters(8)} Old School`;
    const personName = `Bp${letters(8)} Old Person`;
    await api('PATCH', `/support/centres/${centre.centreId}`, {
      token: centre.supportToken,
      body: { name: centreName },
    });
    const teacher = await activeUser(centre.centreId, centre.tokens.accessToken, {
      name: personName,
      sites: ['primary'],
    });
    const learner = await addLearner(centre.centreId, 'primary', teacher.tokens.accessToken);
    await recordResults(
      centre.centreId,
      'primary',
      teacher.tokens.accessToken,
      learner.learnerId,
      2,
    );
    const strip = (key: Record<string, string>, names: string) =>
      db.client.send(
        new UpdateItemCommand({
          TableName: db.tableName,
          Key: toAttributes(key),
          UpdateExpression: `REMOVE ${names}`,
        }),
      );
    await strip(centreKey(centre.centreId), 'GSI2PK, GSI2SK');
    await strip(userKey(teacher.user.userId), 'GSI4PK, GSI4SK, searchIndexed');
    await strip(learnerKey(centre.centreId, 'primary', learner.learnerId), 'resultCount');
    // The teacher's word index: gone, but for one item no rule writes any more.
    const indexOf = async () =>
      (
        await db.client.send(
          new QueryCommand({
            TableName: db.tableName,
            KeyConditionExpression: 'PK = :user AND begins_with(SK, :search)',
            ExpressionAttributeValues: toAttributes({
              ':user': userKey(teacher.user.userId).PK,
              ':search': 'SEARCH#',
            }),
          }),
        )
      ).Items?.map((item) => String(fromAttributes(item).SK)) ?? [];
    const written = await indexOf();
    expect(written).toContain(`SEARCH#${personName.slice(0, 6).toLowerCase()}`);
    for (const sortKey of written)
      await db.client.send(
        new DeleteItemCommand({
          TableName: db.tableName,
          Key: toAttributes({ PK: userKey(teacher.user.userId).PK, SK: sortKey }),
        }),
      );
    await db.client.send(
      new PutItemCommand({
        TableName: db.tableName,
        Item: toAttributes({
          PK: userKey(teacher.user.userId).PK,
          SK: 'SEARCH#stale',
          GSI1PK: `CENTRE#${centre.centreId}#SEARCH#stale`,
          GSI1SK: `${personName.toLowerCase()}#${teacher.user.userId}`,
          userId: teacher.user.userId,
        }),
      }),
    );
    const searchCentre = (q: string) =>
      api('GET', `/centres/${centre.centreId}/users?q=${encodeURIComponent(q)}`, {
        token: centre.tokens.accessToken,
      });
    const findCentre = () =>
      api('GET', `/support/centres?q=${encodeURIComponent(centreName.slice(0, 10))}`, {
        token: centre.supportToken,
      });
    const findPerson = () =>
      api('GET', `/support/users?q=${encodeURIComponent(personName.slice(0, 10))}`, {
        token: centre.supportToken,
      });
    expect((await findCentre()).json.items).toEqual([]);
    expect((await findPerson()).json.items).toEqual([]);
    expect((await searchCentre(personName)).json.items).toEqual([]);

    // Act
    // This centre only: the whole walk's cost grows with every centre the run's other files
    // made (over 60 s late in a loaded run); the walk is the same code per centre.
    const first = await backfillSearchKeys(db, { centreIds: [centre.centreId] });
    const again = await backfillSearchKeys(db, { centreIds: [centre.centreId] });

    // Assert
    expect(first.centres).toBeGreaterThanOrEqual(1);
    expect(first.users).toBeGreaterThanOrEqual(1);
    expect(first.learners).toBeGreaterThanOrEqual(1);
    expect(first.searchIndexes).toBeGreaterThanOrEqual(1);
    expect(again).toEqual({ centres: 0, users: 0, learners: 0, searchIndexes: 0 });
    expect((await indexOf()).sort()).toEqual([...written].sort());
    expect((await searchCentre(personName.toUpperCase())).json.items).toEqual([
      expect.objectContaining({ userId: teacher.user.userId, name: personName }),
    ]);
    expect((await findCentre()).json.items).toEqual([
      { centreId: centre.centreId, name: centreName, eligibleSites: ['primary'] },
    ]);
    expect((await findPerson()).json.items).toEqual([
      expect.objectContaining({ userId: teacher.user.userId, centreId: centre.centreId }),
    ]);
    const removal = await api(
      'DELETE',
      `${sitePath(centre.centreId, 'primary', 'learners')}/${learner.learnerId}`,
      { token: centre.tokens.accessToken },
    );
    expect(problemOf(removal)).toEqual(problem(409, 'LEARNER_HAS_RESULTS'));
  });
});
