import { ConfigReader } from '@backstage/config';
import {
  readApiKeyPolicy,
  readLimits,
  readServiceAccess,
} from './accessConfig';

const read = (data: object) => new ConfigReader(data);

describe('readServiceAccess', () => {
  it('allows only the catalog module to read when nothing is configured', () => {
    expect(readServiceAccess(undefined)).toEqual([
      { subject: 'plugin:catalog', allow: ['read'] },
    ]);
  });

  it('keeps the catalog default beside other entries, unless the catalog has its own', () => {
    expect(
      readServiceAccess(
        read({
          serviceAccess: [
            {
              subject: 'ci',
              allow: ['create', 'read', 'create'],
              owners: ['Group:default/Team-A'],
            },
          ],
        }),
      ),
    ).toEqual([
      {
        subject: 'ci',
        allow: ['create', 'read'],
        owners: ['group:default/team-a'],
      },
      { subject: 'plugin:catalog', allow: ['read'] },
    ]);
    expect(
      readServiceAccess(
        read({
          serviceAccess: [{ subject: 'plugin:catalog', allow: ['read'] }],
        }),
      ),
    ).toHaveLength(1);
  });

  it.each([
    [{ allow: ['read'] }, 'serviceAccess[0].subject'],
    [{ subject: 'ci' }, 'list the operations allowed'],
    [{ subject: 'ci', allow: ['admin'] }, "'admin' is not an operation"],
    [
      { subject: 'ci', allow: ['read'], owners: ['team-a'] },
      "'team-a' is not a full entity ref",
    ],
  ])('refuses %j', (entry, message) => {
    expect(() => readServiceAccess(read({ serviceAccess: [entry] }))).toThrow(
      message,
    );
  });

  it('refuses a subject listed twice', () => {
    expect(() =>
      readServiceAccess(
        read({
          serviceAccess: [
            { subject: 'ci', allow: ['read'] },
            { subject: 'ci', allow: ['create'] },
          ],
        }),
      ),
    ).toThrow("'ci' is listed twice");
  });
});

describe('readLimits and readApiKeyPolicy', () => {
  it('have defaults that bound every caller', () => {
    expect(readLimits(undefined)).toEqual({
      instancesPerOwner: 10,
      instancesTotal: 500,
      requestsPerMinute: 600,
    });
    expect(readApiKeyPolicy(undefined)).toEqual({
      defaultLifetimeMs: 90 * 86_400_000,
      maxLifetimeMs: 365 * 86_400_000,
      ownershipCacheMs: 60_000,
      failedAttempts: { perKey: 10, perClient: 50, windowMs: 300_000 },
    });
  });

  it('refuses an ownership cache longer than a minute and keys that may live past a year', () => {
    expect(() =>
      readApiKeyPolicy(read({ apiKeys: { ownershipCacheSeconds: 61 } })),
    ).toThrow(
      'Invalid configuration at supacontrol.apiKeys.ownershipCacheSeconds: must be a whole number from 0 to 60; got 61',
    );
    expect(() =>
      readApiKeyPolicy(read({ apiKeys: { maxLifetimeDays: 400 } })),
    ).toThrow('supacontrol.apiKeys.maxLifetimeDays');
    expect(() =>
      readApiKeyPolicy(
        read({ apiKeys: { maxLifetimeDays: 30, defaultLifetimeDays: 90 } }),
      ),
    ).toThrow('supacontrol.apiKeys.defaultLifetimeDays');
  });
});
