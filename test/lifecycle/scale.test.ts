import {
  apiClient,
  BackendProcess,
  eventually,
  GiveUp,
} from './backendProcess';
import { LifecycleBed, startLifecycleBed } from './lifecycleBed';

/*
 * Twenty instances requested at once all reach Running. How long that takes, and what a pass
 * costs, is measured by bench/lifecycle.ts (./scripts/bench lifecycle), not asserted here.
 */

jest.setTimeout(900_000);

let bed: LifecycleBed;
let backend: BackendProcess;

beforeAll(async () => {
  bed = await startLifecycleBed();
  ({ backend } = bed);
});

afterAll(() => bed?.stop());

it('brings 20 instances created at once to Running', async () => {
  const api = apiClient(backend);
  const suffix = Date.now().toString(36).slice(-4);
  const names = Array.from({ length: 20 }, (_, i) => `scale-${suffix}-${i}`);
  const created = await Promise.all(
    names.map(name =>
      api.post('/v1/instances', { name, owner: 'group:default/team-a' }),
    ),
  );
  expect(created.map(r => r.status)).toEqual(names.map(() => 201));

  // What the last poll saw, so that a timeout says where each instance stands.
  let seen: any[] = [];
  const describe = () =>
    seen
      .map(
        i =>
          `${i.name}: ${i.status} (${
            i.components.filter((c: any) => c.ready).length
          }/${i.components.length} ready)${
            i.lastError ? ` last error: ${i.lastError}` : ''
          }`,
      )
      .join('\n');
  await eventually(
    () =>
      `all 20 to be Running with 8 of 8 components ready:\n${describe()}\nbackend log:\n${backend
        .log(Infinity)
        // Strip the ANSI colours of the backend's log.
        // eslint-disable-next-line no-control-regex
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split('\n')
        .filter(l => !/incomingRequest|isAuditEvent|pass done/.test(l))
        .slice(-40)
        .join('\n')}`,
    async () => {
      const list = await api.get(`/v1/instances?limit=100`);
      seen = list.body.items.filter((i: any) => names.includes(i.name));
      const failed = seen.filter(i => i.status === 'Failed');
      if (failed.length > 0) {
        throw new GiveUp(`instances failed:\n${describe()}`);
      }
      const settled = (i: any) =>
        i.status === 'Running' &&
        i.components.length === 8 &&
        i.components.every((c: any) => c.ready);
      return seen.length === 20 && seen.every(settled) ? seen : undefined;
    },
    600_000,
  );
  // What one listing showed: every instance Running with its 8 components ready.
  expect(
    seen
      .map(i => [
        i.name,
        i.status,
        i.components.filter((c: any) => c.ready).length,
      ])
      .sort(),
  ).toEqual(names.map(name => [name, 'Running', 8]).sort());
});
