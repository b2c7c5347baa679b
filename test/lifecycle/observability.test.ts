import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PortalBackend, startPortalBackend } from './portalBackend';
import { eventually as eventuallyWithin, freePort } from './backendProcess';

/*
 * Observability of the real portal backend (packages/backend: its OpenTelemetry set-up, the
 * notifications and signals backends) on the test bed: the Prometheus endpoint before and after
 * instances are created, fail and are deleted, and the owner's notifications.
 */

jest.setTimeout(600_000);

const suffix = randomBytes(3).toString('hex');
const RUNNING = `obs-run-${suffix}`;
const BROKEN = `obs-broken-${suffix}`;

let backend: PortalBackend;
const keyPrefixes: Record<string, string> = {};
let metricsUrl = '';
let token = '';

beforeAll(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  backend = await startPortalBackend({
    supacontrol: {
      reconcile: {
        intervalSeconds: 2,
        backoffBaseSeconds: 1,
        backoffMaxSeconds: 2,
        maxAttempts: 2,
      },
      limits: { requestsPerMinute: 100_000 },
      plans: {
        small: {
          default: true,
          description: 'Test bed plan',
          values: { persistence: { enabled: false } },
        },
        // The chart's values.schema.json refuses unknown keys: every helm upgrade fails.
        broken: {
          description: 'Fails Helm schema validation on purpose',
          values: { persistence: { enabled: false, bogus: true } },
        },
      },
    },
    env: {
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    },
  });
  token = await backend.guestToken();
  // Keys for the expiry notice (the hourly task first runs 30 s after start-up).
  for (const [name, days] of [
    ['expires-soon', 3],
    ['expires-later', 30],
  ] as const) {
    const key = await call('POST', '/api/supacontrol/v1/api-keys', {
      name,
      expiresInDays: days,
    });
    if (key.status !== 201) {
      throw new Error(`creating API key ${name}: ${JSON.stringify(key)}`);
    }
    keyPrefixes[name] = key.body.prefix;
  }
});

afterAll(async () => {
  for (const name of [RUNNING, BROKEN]) {
    await call('DELETE', `/api/supacontrol/v1/instances/${name}`).catch(
      () => undefined,
    );
  }
  await backend?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${backend.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Waits for what the test bed and the notifications backend do, on a loaded machine. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined>) =>
  eventuallyWithin(what, probe, 240_000);

const statusOf = async (name: string) =>
  (await call('GET', `/api/supacontrol/v1/instances/${name}`)).body?.status;

/** The Prometheus text exposition of the backend's metrics endpoint. */
async function scrape(): Promise<string> {
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  return res.text();
}

/** Sum of the samples of `name` whose labels include `labels` (0 when there are none). */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[3] ?? '';
    if (
      Object.entries(labels).every(([k, v]) => present.includes(`${k}="${v}"`))
    ) {
      sum += Number(match[4]);
    }
  }
  return sum;
}

/** The metric families the endpoint declares (`# TYPE <name> <type>`). */
const families = (text: string) =>
  new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map(m => m[1]));

async function notificationsOfGuest(): Promise<
  { payload: { title: string; description?: string; link?: string } }[]
> {
  const res = await call('GET', '/api/notifications/notifications');
  expect(res.status).toBe(200);
  return res.body.notifications;
}

function notification(title: string) {
  return eventually(`a notification "${title}"`, async () =>
    (await notificationsOfGuest()).find(n => n.payload.title === title),
  );
}

it('counts a create to Running in the histogram and the Running gauge, and notifies the owner', async () => {
  const before = await scrape();
  const created = await call('POST', '/api/supacontrol/v1/instances', {
    name: RUNNING,
  });
  expect(created.status).toBe(201);
  await eventually(`${RUNNING} to be Running`, async () =>
    (await statusOf(RUNNING)) === 'Running' ? true : undefined,
  );

  // A request with an API key, and one with a wrong secret, for the authentication counter.
  const key = await call('POST', '/api/supacontrol/v1/api-keys', {
    name: 'metrics',
  });
  expect(key.status).toBe(201);
  const withKey = await fetch(`${backend.url}/api/supacontrol/v1/instances`, {
    headers: { 'x-api-key': key.body.key },
  });
  expect(withKey.status).toBe(200);
  const wrong = await fetch(`${backend.url}/api/supacontrol/v1/instances`, {
    headers: { 'x-api-key': `${key.body.prefix}_${'x'.repeat(43)}` },
  });
  expect(wrong.status).toBe(401);

  const after = await scrape();
  const histogram = 'supacontrol_instance_create_to_running_duration_count';
  expect(sample(after, histogram, { plan: 'small' })).toBe(
    sample(before, histogram, { plan: 'small' }) + 1,
  );
  const gauge = 'supacontrol_instances';
  const runningHere = { status: 'Running', plan: 'small', cluster: 'default' };
  expect(sample(after, gauge, runningHere)).toBe(
    sample(before, gauge, runningHere) + 1,
  );
  // The one cluster, probed by its reconcile passes, answers; its requests are counted as its.
  expect(
    sample(after, 'supacontrol_cluster_reachable', {
      cluster: 'default',
      region: 'default',
    }),
  ).toBe(1);
  expect(
    sample(after, 'supacontrol_kubernetes_requests_total', {
      cluster: 'default',
      verb: 'probe',
    }),
  ).toBeGreaterThan(0);

  expect([...families(after)]).toEqual(
    expect.arrayContaining([
      'supacontrol_instances',
      'supacontrol_reconcile_pass_duration',
      'supacontrol_reconcile_pass_instances',
      'supacontrol_lifecycle_step_duration',
      'supacontrol_helm_command_duration',
      'supacontrol_kubernetes_requests_total',
      'supacontrol_instance_create_to_running_duration',
      'supacontrol_api_key_authentications_total',
      'supacontrol_api_requests_total',
      'supacontrol_api_request_duration',
      'supacontrol_cluster_reachable',
    ]),
  );
  for (const step of ['namespace', 'secret', 'release', 'readiness']) {
    expect(
      sample(after, 'supacontrol_lifecycle_step_duration_count', {
        step,
        outcome: 'success',
      }),
    ).toBeGreaterThanOrEqual(1);
  }
  expect(
    sample(after, 'supacontrol_helm_command_duration_count', {
      command: 'upgrade',
      outcome: 'success',
    }),
  ).toBeGreaterThanOrEqual(1);
  expect(
    sample(after, 'supacontrol_kubernetes_requests_total', {
      verb: 'create',
      outcome: 'success',
    }),
  ).toBeGreaterThanOrEqual(1);
  expect(
    sample(after, 'supacontrol_api_key_authentications_total', {
      outcome: 'success',
    }),
  ).toBe(1);
  expect(
    sample(after, 'supacontrol_api_key_authentications_total', {
      outcome: 'wrong_secret',
    }),
  ).toBe(1);
  // By route template, never by instance name.
  expect(
    sample(after, 'supacontrol_api_requests_total', {
      route: '/v1/instances/:name',
      method: 'GET',
      status: '200',
    }),
  ).toBeGreaterThanOrEqual(1);
  expect(after).not.toContain(`route="/v1/instances/${RUNNING}"`);

  const running = await notification(`Supabase instance ${RUNNING} is running`);
  expect(running.payload.link).toBe(`/supacontrol/instances/${RUNNING}`);
});

it('counts Helm failures and notifies the owner of a Failed instance with the reason', async () => {
  const created = await call('POST', '/api/supacontrol/v1/instances', {
    name: BROKEN,
    plan: 'broken',
  });
  expect(created.status).toBe(201);
  await eventually(`${BROKEN} to be Failed`, async () =>
    (await statusOf(BROKEN)) === 'Failed' ? true : undefined,
  );
  const failed = await notification(`Supabase instance ${BROKEN} failed`);
  expect(failed.payload.description).toMatch(/bogus/);
  expect(failed.payload.link).toBe(`/supacontrol/instances/${BROKEN}`);

  const after = await scrape();
  expect(
    sample(after, 'supacontrol_helm_command_failures_total', {
      command: 'upgrade',
    }),
  ).toBeGreaterThanOrEqual(2);
  expect(
    sample(after, 'supacontrol_lifecycle_step_duration_count', {
      step: 'release',
      outcome: 'failure',
    }),
  ).toBeGreaterThanOrEqual(2);
  expect(
    sample(after, 'supacontrol_instances', {
      status: 'Failed',
      plan: 'broken',
    }),
  ).toBe(1);
});

it('notifies the owner when an instance is deleted, measures the deletion, and exports every metric the example alerts use', async () => {
  const deleted = await call(
    'DELETE',
    `/api/supacontrol/v1/instances/${RUNNING}`,
  );
  expect(deleted.status).toBe(202);
  await notification(`Supabase instance ${RUNNING} was deleted`);
  const after = await scrape();
  // The example alerting rules use only metrics that exist.
  const rules = parse(
    readFileSync(
      join(__dirname, '../../deploy/prometheus/supacontrol-alerts.yaml'),
      'utf8',
    ),
  );
  const used = rules.groups
    .flatMap((g: { rules: { expr: string }[] }) => g.rules)
    .flatMap((r: { expr: string }) => r.expr.match(/supacontrol_\w+/g) ?? [])
    .map((m: string) => m.replace(/_(bucket|count|sum)$/, ''));
  expect(used.length).toBeGreaterThan(5);
  for (const metric of used) {
    expect(families(after)).toContain(metric);
  }

  expect(
    sample(after, 'supacontrol_lifecycle_step_duration_count', {
      step: 'deletion',
      outcome: 'success',
    }),
  ).toBeGreaterThanOrEqual(1);
  expect(
    sample(after, 'supacontrol_instances', {
      status: 'Running',
      plan: 'small',
    }),
  ).toBe(0);
});

it('tells the owner of an API key, once, that it expires within 7 days', async () => {
  const soon = await notification(
    `API key ${keyPrefixes['expires-soon']} (expires-soon) expires in 3 days`,
  );
  expect(soon.payload.link).toBe('/supacontrol/settings');
  const all = await notificationsOfGuest();
  expect(
    all.filter(n => n.payload.title.includes(keyPrefixes['expires-soon'])),
  ).toHaveLength(1);
  expect(
    all.filter(n => n.payload.title.includes(keyPrefixes['expires-later'])),
  ).toHaveLength(0);
});
