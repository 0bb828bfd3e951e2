/** Customer services changes a centre: its name, and the sites it is eligible for. */
import { describe, expect, it } from 'vitest';
import { api, centreWithCoordinator, uniqueCentreId, uniqueEmail } from '../support/hub.js';

describe('PATCH /support/centres/{centreId}', () => {
  it('renames a centre and takes a site it lost from every user who had it', async () => {
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

    expect(changed.status).toBe(200);
    expect(changed.json).toEqual({ centreId, name: 'Renamed School', eligibleSites: ['primary'] });
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
    expect(actions.filter((action: string) => action === 'user.site_access_removed')).toHaveLength(
      3,
    );
    expect(coordinator.userId).toBeTruthy();
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
