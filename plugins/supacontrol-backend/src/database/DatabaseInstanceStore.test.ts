import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import {
  DatabaseInstanceStore,
  migrateSupaControlDatabase,
} from './DatabaseInstanceStore';
import { instanceRecord } from '../__testUtils__/instanceRecord';

jest.setTimeout(60_000);

if (
  process.env.CI &&
  !process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
) {
  throw new Error(
    'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: run the tests with ./scripts/test, which starts PostgreSQL 15',
  );
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const record = instanceRecord;

describe.each(databases.eachSupportedId())(
  'DatabaseInstanceStore (%s)',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const client = await migrateSupaControlDatabase({
        getClient: async () => knex,
      });
      return DatabaseInstanceStore.create({ client });
    }

    it('keeps names unique among live instances and allows reuse after deletion', async () => {
      const store = await createStore();
      const first = await store.createInstance(record('alpha'));
      await expect(store.createInstance(record('alpha'))).rejects.toThrow(
        ConflictError,
      );

      await store.updateInstance(first.id, {
        status: 'Deleted',
        deletedAt: new Date('2026-12-01T11:00:00.000Z'),
      });
      const second = await store.createInstance(record('alpha'));

      expect((await store.getInstance('alpha'))?.id).toBe(second.id);
      await store.updateInstance(second.id, {
        status: 'Deleted',
        deletedAt: new Date('2026-12-01T12:00:00.000Z'),
      });
      expect((await store.getInstance('alpha'))?.id).toBe(second.id);
    });

    it('round-trips every field, JSON columns and timestamps included', async () => {
      const store = await createStore();
      const input = record('bravo', {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Provisioning',
            message: 'waiting',
            lastTransitionTime: '2026-12-01T10:00:00.000Z',
          },
        ],
        components: [
          {
            name: 'db',
            kind: 'StatefulSet',
            ready: false,
            readyReplicas: 0,
            replicas: 1,
          },
        ],
        lastError: 'boom',
        idempotencyKey: 'scaffolder:task-1:create',
      });
      await store.createInstance(input);
      expect(await store.getInstance('bravo')).toEqual(input);
      const updated = await store.updateInstance(input.id, {
        lastError: undefined,
        generation: 2,
      });
      expect(updated.lastError).toBeUndefined();
      expect(updated.generation).toBe(2);
    });

    it('pages by name with a cursor and counts the whole filtered set', async () => {
      const store = await createStore();
      for (const name of ['echo', 'delta', 'charlie', 'bravo', 'alpha']) {
        await store.createInstance(
          record(name, {
            owner: name < 'd' ? 'group:default/team-a' : 'group:default/team-b',
          }),
        );
      }
      const page1 = await store.listInstances({ limit: 2 });
      expect(page1.items.map(i => i.name)).toEqual(['alpha', 'bravo']);
      expect(page1.totalCount).toBe(5);
      const page2 = await store.listInstances({
        limit: 2,
        cursor: page1.nextCursor,
      });
      expect(page2.items.map(i => i.name)).toEqual(['charlie', 'delta']);

      const teamB = await store.listInstances({
        limit: 10,
        criteria: {
          anyOf: [{ key: 'owner', values: ['group:default/team-b'] }],
        },
      });
      expect(teamB.items.map(i => i.name)).toEqual(['delta', 'echo']);
      const notTeamB = await store.listInstances({
        limit: 10,
        criteria: { not: { key: 'owner', values: ['group:default/team-b'] } },
      });
      expect(notTeamB.totalCount).toBe(3);
      const nobody = await store.listInstances({
        limit: 10,
        criteria: { key: 'owner', values: [] },
      });
      expect(nobody.totalCount).toBe(0);
    });

    it('records and lists events in order', async () => {
      const store = await createStore();
      const instance = await store.createInstance(record('foxtrot'));
      for (const [i, action] of ['create', 'delete'].entries()) {
        await store.addEvent({
          id: randomUUID(),
          instanceId: instance.id,
          instanceName: 'foxtrot',
          actor: 'user:default/alice',
          action,
          toStatus: i === 0 ? 'Pending' : 'Deleting',
          message: action,
          createdAt: new Date(Date.UTC(2026, 11, 1, 10, i)),
        });
      }
      expect((await store.listEvents(instance.id)).map(e => e.action)).toEqual([
        'create',
        'delete',
      ]);
    });

    it('leases an instance to one owner until the lease runs out or is released', async () => {
      const store = await createStore();
      const golf = await store.createInstance(record('golf'));
      const t0 = new Date('2026-12-01T10:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      const claim = (owner: string, now: Date) =>
        store
          .claimDue({ owner, now, leaseMs: 10_000, limit: 5 })
          .then(claimed => claimed.map(i => i.name));

      expect(await claim('a', t0)).toEqual(['golf']);
      expect(await claim('b', at(5_000))).toEqual([]);
      expect(await store.renewLease(golf.id, 'b', at(30_000))).toBe(false);
      expect(await store.renewLease(golf.id, 'a', at(20_000))).toBe(true);
      expect(await claim('b', at(15_000))).toEqual([]);
      // Expired: another owner takes it, and the first can no longer renew it.
      expect(await claim('b', at(21_000))).toEqual(['golf']);
      expect(await store.renewLease(golf.id, 'a', at(40_000))).toBe(false);
      // Only the holder releases it.
      await store.releaseLease(golf.id, 'a');
      expect(await claim('c', at(22_000))).toEqual([]);
      await store.releaseLease(golf.id, 'b');
      expect(await claim('c', new Date(Date.now() + 1_000))).toEqual(['golf']);
    });

    it('claims only what is due, named, not excluded and not worked on since a time', async () => {
      const store = await createStore();
      const now = new Date('2026-12-01T10:00:00.000Z');
      const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
      const ids: Record<string, string> = {};
      for (const [name, patch] of [
        ['hotel', {}],
        ['india', { nextAttemptAt: new Date('2026-12-01T10:05:00.000Z') }],
        ['juliet', { status: 'Failed' as const }],
        ['kilo', {}],
        ['lima', {}],
        ['mike', {}],
      ] as const) {
        ids[name] = (await store.createInstance(record(name, patch))).id;
      }
      const claim = (options: Partial<Parameters<typeof store.claimDue>[0]>) =>
        store
          .claimDue({ owner: 'a', now, leaseMs: 1_000, limit: 10, ...options })
          .then(claimed => claimed.map(i => i.name).sort());
      // Leases that ran out 30 s (kilo) and 120 s (lima) ago.
      expect(await claim({ names: ['kilo'], now: ago(31) })).toEqual(['kilo']);
      expect(await claim({ names: ['lima'], now: ago(121) })).toEqual(['lima']);

      expect(
        await claim({
          names: ['hotel', 'india', 'juliet', 'kilo', 'lima'],
          exclude: [ids.hotel],
          // kilo was last worked on after this time: it had its turn in this pass.
          workedBefore: ago(60),
        }),
      ).toEqual(['lima']);
      // Never worked on first, then least recently worked on.
      const [first] = await claim({ limit: 1 });
      expect(['hotel', 'mike']).toContain(first);
      expect([first, ...(await claim({}))].sort()).toEqual([
        'hotel',
        'kilo',
        'mike',
      ]);
    });
  },
);
