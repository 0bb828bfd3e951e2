/**
 * Customer services changes a centre: its name, and the sites it is eligible for. A site
 * taken away is taken from the users by an operation (202, Location), followed over HTTP.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../functions/core/data/db.js';
import { toAttributes } from '../../functions/core/data/db.js';
import { getUser, userKey } from '../../functions/core/data/user.js';
import { localDynamoDb } from '../support/emulators.js';
import {
  activeUser,
  allPages,
  api,
  centreWithCoordinator,
  hub,
  uniqueCentreId,
  uniqueEmail,
} from '../support/hub.js';
import { followOperation, seedUsers } from '../support/site-removal.js';

const db: Db = { client: localDynamoDb(), tableName: hub().tableName };
afterAll(() => db.client.destroy());

describe('PATCH /support/centres/{centreId}', () => {
  it('renames a centre and takes a site it lost from every user who had it, by an operation (202)', async () => {
    const {
      centreId,
      supportToken: token,
      coordinator,
    } = await centreWithCoordinator(['primary', 'lower-secondary']);
    const added = await api('POST', `/centres/${centreId}/users`, {
      token,
      body: {
        users: [
          { name: 'Both Sites', email: uniqueEmail(), sites: ['primary', 'lower-secondary'] },
          { name: 'Lower Only', email: uniqueEmail(), sites: ['lower-secondary'] },
        ],
      },
    });
    expect(added.json.created).toBe(2);

    const changed = await api('PATCH', `/support/centres/${centreId}`, {
      token,
      body: { name: 'Renamed School', eligibleSites: ['primary'] },
    });

    expect(changed.status).toBe(202);
    const { operationId } = changed.json;
    expect(changed.json).toEqual({
      centreId,
      name: 'Renamed School',
      eligibleSites: ['primary'],
      operationId: expect.any(String),
    });
    const location = `/centres/${centreId}/operations/${operationId}`;
    expect(changed.headers.get('location')).toBe(location);
    // The centre's eligibility counts at once, before any user has been changed.
    expect((await api('GET', `/centres/${centreId}`, { token })).json.eligibleSites).toEqual([
      'primary',
    ]);

    const { last } = await followOperation(location, token);
    expect(last).toEqual({
      operationId,
      type: 'site_removal',
      sites: ['lower-secondary'],
      status: 'succeeded',
      moved: 0,
      usersChecked: 3,
      usersUpdated: 3,
      startedAt: expect.any(String),
      endedAt: expect.any(String),
    });
    const users = await api('GET', `/centres/${centreId}/users?limit=100`, { token });
    const sitesByName = Object.fromEntries(
      users.json.items.map((u: { name: string; sites: string[] }) => [u.name, u.sites]),
    );
    expect(sitesByName['Both Sites']).toEqual(['primary']);
    expect(sitesByName['Lower Only']).toEqual([]);
    expect(sitesByName['Grace Hopper']).toEqual(['primary']);
    const audit = await api('GET', `/centres/${centreId}/audit?limit=100`, { token });
    const actions = audit.json.items.map((entry: { action: string }) => entry.action);
    expect(actions).toContain('centre.updated');
    expect(actions).toContain('operation.site_removal.started');
    expect(actions).toContain('operation.site_removal.succeeded');
    expect(actions.filter((action: string) => action === 'user.site_access_removed')).toHaveLength(
      3,
    );
    expect(coordinator.userId).toBeTruthy();

    // The same change again, once it has ended: nothing is taken any more, 200.
    const again = await api('PATCH', `/support/centres/${centreId}`, {
      token,
      body: { eligibleSites: ['primary'] },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('location')).toBeNull();
  });

  it('takes a site from a centre of 250 users page by page, progress visible, each user once', async () => {
    const { centreId, supportToken: token } = await centreWithCoordinator([
      'primary',
      'lower-secondary',
    ]);
    const holders = await seedUsers(db, centreId, 200, ['primary', 'lower-secondary'], 'Holder');
    const others = await seedUsers(db, centreId, 50, ['primary'], 'Other');

    const changed = await api('PATCH', `/support/centres/${centreId}`, {
      token,
      body: { eligibleSites: ['primary'] },
    });
    expect(changed.status).toBe(202);
    const { last, seen } = await followOperation(changed.headers.get('location') ?? '', token);
    expect(last).toMatchObject({ status: 'succeeded', usersChecked: 251, usersUpdated: 201 });
    // Progress only ever grows, and never past the end.
    const checked = seen.map((state) => state.usersChecked as number);
    expect(checked).toEqual([...checked].sort((a, b) => a - b));
    expect(Math.max(...checked)).toBe(251);

    const users = await allPages(`/centres/${centreId}/users`, token);
    expect(users.items).toHaveLength(251);
    for (const user of users.items) expect(user.sites, user.name).toEqual(['primary']);
    // Each holder changed exactly once (one version more), the others not at all.
    for (const user of [holders[0], holders[199], others[0]])
      expect((await getUser(db, user?.userId ?? ''))?.version).toBe(user === others[0] ? 1 : 2);
    const audit = await allPages(`/centres/${centreId}/audit`, token);
    const removed = audit.items.filter(
      (entry: { action: string }) => entry.action === 'user.site_access_removed',
    );
    expect(removed).toHaveLength(201);
    expect(new Set(removed.map((entry: { targetId: string }) => entry.targetId)).size).toBe(201);
  });

  it('refuses the site on its routes from the moment it is taken away, even to a user whose record still has it', async () => {
    const { centreId, supportToken: token } = await centreWithCoordinator([
      'primary',
      'lower-secondary',
    ]);
    const teacher = await activeUser(centreId, token, { sites: ['primary', 'lower-secondary'] });
    const learners = (site: string) =>
      api('GET', `/centres/${centreId}/sites/${site}/learners`, {
        token: teacher.tokens.accessToken,
      });
    expect((await learners('lower-secondary')).status).toBe(200);

    const changed = await api('PATCH', `/support/centres/${centreId}`, {
      token,
      body: { eligibleSites: ['primary'] },
    });
    expect(changed.status).toBe(202);
    await followOperation(changed.headers.get('location') ?? '', token);
    // The record still names the site (as it does until the operation reaches the user).
    await db.client.send(
      new UpdateItemCommand({
        TableName: db.tableName,
        Key: toAttributes(userKey(teacher.user.userId)),
        UpdateExpression: 'SET sites = :sites',
        ExpressionAttributeValues: toAttributes({ ':sites': ['primary', 'lower-secondary'] }),
      }),
    );
    const refused = await learners('lower-secondary');
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await learners('primary')).status).toBe(200);
  });

  it('answers 200 with no operation when no site is taken away', async () => {
    const { centreId, supportToken: token } = await centreWithCoordinator(['primary']);
    const changed = await api('PATCH', `/support/centres/${centreId}`, {
      token,
      body: { name: 'Grown School', eligibleSites: ['primary', 'lower-secondary'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toEqual({
      centreId,
      name: 'Grown School',
      eligibleSites: ['primary', 'lower-secondary'],
    });
    expect(changed.headers.get('location')).toBeNull();
  });

  it('is for support only (403 for a coordinator), 404 for an unknown centre, 400 for bad input, and changes nothing then', async () => {
    const { centreId, supportToken: token, tokens } = await centreWithCoordinator(['primary']);
    const coordinator = await api('PATCH', `/support/centres/${centreId}`, {
      token: tokens.accessToken,
      body: { name: 'Mine' },
    });
    expect(coordinator.status).toBe(403);
    const unknown = await api('PATCH', `/support/centres/${uniqueCentreId()}`, {
      token,
      body: { name: 'Nobody' },
    });
    expect(unknown.status).toBe(404);
    for (const body of [
      { eligibleSites: ['secondary'] },
      { name: '' },
      { centreId: 'GB1' },
      { name: 5 },
    ]) {
      const bad = await api('PATCH', `/support/centres/${centreId}`, { token, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.json.code).toBe('VALIDATION_FAILED');
    }
    const centre = await api('GET', `/centres/${centreId}`, { token });
    expect(centre.json).toEqual({
      centreId,
      name: `School ${centreId}`,
      eligibleSites: ['primary'],
    });
  });
});
