import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  DatabaseInstanceStore,
  migrateSupaControlDatabase,
} from './DatabaseInstanceStore';
import { instanceRecord } from '../__testUtils__/instanceRecord';
import { GenerationChangedError, LeaseLostError } from './InstanceStore';
import { toDate } from './util';

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
    async function createStoreAndKnex() {
      const knex = await databases.init(databaseId);
      const client = await migrateSupaControlDatabase({
        getClient: async () => knex,
      });
      return { store: DatabaseInstanceStore.create({ client }), knex };
    }

    async function createStore() {
      return (await createStoreAndKnex()).store;
    }

    it('holds a cluster to its maxInstances, counts and filters by cluster and region', async () => {
      const store = await createStore();
      const on = (name: string, cluster: string, region: string) =>
        record(name, { cluster, region, namespace: `supa-${name}` });
      await store.createInstance(on('c1', 'eu-1', 'eu'), { maxInstances: 2 });
      await store.createInstance(on('c2', 'eu-1', 'eu'), { maxInstances: 2 });
      await expect(
        store.createInstance(on('c3', 'eu-1', 'eu'), { maxInstances: 2 }),
      ).rejects.toThrow(
        "Cluster 'eu-1' is full: it holds its limit of 2 live instances",
      );
      expect(await store.getInstance('c3')).toBeUndefined();
      // Concurrent creates never take more than the places left.
      const raced = await Promise.allSettled(
        ['r1', 'r2', 'r3', 'r4'].map(name =>
          store.createInstance(on(name, 'us-1', 'us'), { maxInstances: 2 }),
        ),
      );
      expect(raced.filter(r => r.status === 'fulfilled')).toHaveLength(2);
      expect(await store.countLiveByCluster()).toEqual({
        'eu-1': 2,
        'us-1': 2,
      });
      const names = async (query: { cluster?: string; region?: string }) =>
        (await store.listInstances({ limit: 10, ...query })).items.map(
          i => i.name,
        );
      expect(await names({ cluster: 'eu-1' })).toEqual(['c1', 'c2']);
      expect((await names({ region: 'us' })).length).toBe(2);
      expect(
        (
          await store.listInstances({
            limit: 10,
            criteria: { key: 'region', values: ['eu'] },
          })
        ).items.map(i => i.name),
      ).toEqual(['c1', 'c2']);
      expect(
        (await store.listReconcilable(undefined, 'eu-1')).map(i => i.name),
      ).toEqual(['c1', 'c2']);
      const claimed = await store.claimDue({
        owner: 'w',
        leaseMs: 60_000,
        limit: 10,
        cluster: 'us-1',
      });
      expect(claimed.every(c => c.cluster === 'us-1')).toBe(true);
      expect(claimed).toHaveLength(2);
      expect((await store.listLiveOnCluster('eu-1')).length).toBe(2);
      // The configuration moved eu-1 to another region: its instances follow.
      expect(
        await store.syncClusterRegions([{ name: 'eu-1', region: 'eu-west' }]),
      ).toBe(2);
      expect((await store.getInstance('c1'))?.region).toBe('eu-west');
    });

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

    /** Sets lease_until behind the store's back, `msFromNow` from the database's now. */
    async function setLeaseUntil(knex: Knex, id: string, msFromNow: number) {
      await knex('instances')
        .where({ id })
        .update({
          lease_until: knex.raw(
            databaseId === 'SQLITE_3'
              ? "(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER) + ?)"
              : "(clock_timestamp() + ?::double precision * interval '1 millisecond')",
            [msFromNow],
          ),
        });
    }

    it('leases an instance to one owner until the lease runs out by the database clock, or is released', async () => {
      const { store, knex } = await createStoreAndKnex();
      const golf = await store.createInstance(record('golf'));
      const claim = (owner: string) =>
        store
          .claimDue({ owner, leaseMs: 60_000, limit: 5 })
          .then(claimed => claimed.map(i => i.name));

      const before = await store.databaseTime();
      expect(await claim('a')).toEqual(['golf']);
      // The lease runs for leaseMs from the database's now, whatever this process's clock says.
      const { lease_until } = await knex('instances')
        .where({ id: golf.id })
        .first();
      const until = toDate(lease_until).getTime();
      expect(until).toBeGreaterThanOrEqual(before.getTime() + 60_000);
      expect(until).toBeLessThanOrEqual(
        (await store.databaseTime()).getTime() + 60_000,
      );

      expect(await claim('b')).toEqual([]);
      expect(await store.renewLease(golf.id, 'b', 60_000)).toBe(false);
      expect(await store.renewLease(golf.id, 'a', 60_000)).toBe(true);
      expect(await claim('b')).toEqual([]);
      // Run out by the database's clock: lost, even before anyone takes it.
      await setLeaseUntil(knex, golf.id, -1_000);
      expect(await store.renewLease(golf.id, 'a', 60_000)).toBe(false);
      expect(await claim('b')).toEqual(['golf']);
      expect(await store.renewLease(golf.id, 'a', 60_000)).toBe(false);
      // Only the holder releases it.
      await store.releaseLease(golf.id, 'a');
      expect(await claim('c')).toEqual([]);
      await store.releaseLease(golf.id, 'b');
      expect(await claim('c')).toEqual(['golf']);
    });

    it('writes for a lease holder only while it holds the lease, at its generation', async () => {
      const { store, knex } = await createStoreAndKnex();
      const hotel = await store.createInstance(record('hotel'));
      const [claimed] = await store.claimDue({
        owner: 'a',
        leaseMs: 60_000,
        limit: 1,
      });
      const lease = { id: hotel.id, owner: 'a', generation: 1 };
      const event = (message: string) => ({
        id: randomUUID(),
        instanceId: hotel.id,
        instanceName: 'hotel',
        actor: 'supacontrol:reconciler',
        action: 'status',
        fromStatus: 'Pending' as const,
        toStatus: 'Provisioning' as const,
        message,
        createdAt: new Date(),
      });

      const written = await store.updateLeased(
        lease,
        { status: 'Provisioning' },
        { event: event('held'), retryInMs: 5_000 },
      );
      expect(written.status).toBe('Provisioning');
      // The next attempt is set from the database's clock too.
      const now = (await store.databaseTime()).getTime();
      expect(written.nextAttemptAt!.getTime()).toBeGreaterThan(now + 3_000);
      expect(written.nextAttemptAt!.getTime()).toBeLessThanOrEqual(now + 5_000);

      // Not the owner.
      await expect(
        store.updateLeased(
          { ...lease, owner: 'b' },
          { status: 'Running' },
          { event: event('not the owner') },
        ),
      ).rejects.toThrow(LeaseLostError);
      // A new generation recorded meanwhile (by the API).
      await store.updateInstance(hotel.id, { generation: 2 });
      await expect(
        store.updateLeased(
          lease,
          { status: 'Running' },
          { event: event('old generation') },
        ),
      ).rejects.toThrow(GenerationChangedError);
      await store.updateInstance(hotel.id, { generation: 1 });
      // Run out by the database's clock, though nobody has taken it yet.
      await setLeaseUntil(knex, hotel.id, -1);
      await expect(
        store.updateLeased(
          lease,
          { status: 'Running' },
          { event: event('expired') },
        ),
      ).rejects.toThrow(LeaseLostError);
      // Taken over by another owner (once due again).
      expect(claimed.name).toBe('hotel');
      await store.updateInstance(hotel.id, { nextAttemptAt: undefined });
      const [taken] = await store.claimDue({
        owner: 'b',
        leaseMs: 60_000,
        limit: 1,
      });
      expect(taken.name).toBe('hotel');
      await expect(
        store.updateLeased(
          lease,
          { status: 'Running' },
          { event: event('taken') },
        ),
      ).rejects.toThrow(LeaseLostError);

      // None of the refused writes changed anything or left an event.
      expect((await store.getInstance('hotel'))?.status).toBe('Provisioning');
      expect((await store.listEvents(hotel.id)).map(e => e.message)).toEqual([
        'held',
      ]);
      await expect(
        store.updateLeased({ ...lease, owner: 'b' }, { status: 'Running' }),
      ).resolves.toMatchObject({ status: 'Running' });
    });

    it('writes an API change only on top of the generation it read', async () => {
      const { store } = await createStoreAndKnex();
      const india = await store.createInstance(record('india'));
      const first = await store.updateAtGeneration(india.id, 1, {
        generation: 2,
        desiredState: 'deleted',
      });
      expect(first?.generation).toBe(2);
      const second = await store.updateAtGeneration(
        india.id,
        1,
        { generation: 2, status: 'Pending' },
        {
          event: {
            id: randomUUID(),
            instanceId: india.id,
            instanceName: 'india',
            actor: 'user:default/alice',
            action: 'retry',
            message: 'lost the race',
            createdAt: new Date(),
          },
        },
      );
      expect(second).toBeUndefined();
      expect((await store.getInstance('india'))?.desiredState).toBe('deleted');
      expect(await store.listEvents(india.id)).toEqual([]);
    });

    it('claims only what is due, named, not excluded and not worked on since a time', async () => {
      const { store, knex } = await createStoreAndKnex();
      const now = await store.databaseTime();
      const ids: Record<string, string> = {};
      for (const [name, patch] of [
        ['hotel', {}],
        ['india', { nextAttemptAt: new Date(now.getTime() + 300_000) }],
        ['juliet', { status: 'Failed' as const }],
        ['kilo', {}],
        ['lima', {}],
        ['mike', {}],
      ] as const) {
        ids[name] = (await store.createInstance(record(name, patch))).id;
      }
      const claim = (options: Partial<Parameters<typeof store.claimDue>[0]>) =>
        store
          .claimDue({ owner: 'a', leaseMs: 1_000, limit: 10, ...options })
          .then(claimed => claimed.map(i => i.name).sort());
      // Leases that ran out 30 s (kilo) and 120 s (lima) ago.
      await setLeaseUntil(knex, ids.kilo, -30_000);
      await setLeaseUntil(knex, ids.lima, -120_000);

      expect(
        await claim({
          names: ['hotel', 'india', 'juliet', 'kilo', 'lima'],
          exclude: [ids.hotel],
          // kilo was last worked on after this time: it had its turn in this pass.
          workedBefore: new Date(now.getTime() - 60_000),
        }),
      ).toEqual(['lima']);
      // Asked for started ones first: kilo (lima's lease is held now), not hotel or mike.
      expect(await claim({ limit: 1, startedFirst: true })).toEqual(['kilo']);
      await setLeaseUntil(knex, ids.kilo, -30_000);
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
