import { ResponseError } from '@backstage/errors';
import {
  ApiKey,
  ClusterEvent,
  ClusterSummary,
  HealthResponse,
  Instance,
  InstanceEvent,
  InstancePlan,
} from '@supacontrol/plugin-supacontrol-common';
import { InstanceCredentials, SupaControlApi } from '../api';

/** An instance as the backend returns it, with `overrides` applied. */
export function fakeInstance(overrides: Partial<Instance> = {}): Instance {
  const name = overrides.name ?? 'orders';
  return {
    name,
    namespace: `supa-${name}`,
    owner: 'user:default/guest',
    createdBy: 'user:default/guest',
    plan: 'small',
    status: 'Running',
    desiredState: 'running',
    generation: 1,
    observedGeneration: 1,
    conditions: [],
    components: [],
    endpoints: {},
    cluster: 'eu-1',
    region: 'eu-west',
    chart: { name: 'supabase', version: '0.1.0' },
    mail: { smtp: false, autoconfirm: true },
    deletionProtection: false,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:05:00.000Z',
    ...overrides,
  };
}

export const fakePlans: InstancePlan[] = [
  { name: 'small', description: '0.5 CPU, 1 GiB, 5 GiB disk', default: true },
  { name: 'large', description: '2 CPU, 4 GiB, 50 GiB disk', default: false },
];

/** Three clusters in two regions: one with room, one full, one drained. */
export const fakeClusters: ClusterSummary[] = [
  {
    name: 'eu-1',
    region: 'eu-west',
    labels: {},
    enabled: true,
    maxInstances: 20,
    instances: 3,
    status: 'reachable',
  },
  {
    name: 'eu-2',
    region: 'eu-west',
    labels: {},
    enabled: true,
    maxInstances: 5,
    instances: 5,
    status: 'reachable',
  },
  {
    name: 'us-1',
    region: 'us-east',
    labels: {},
    enabled: false,
    instances: 7,
    status: 'reachable',
  },
];

export const fakeEvents: InstanceEvent[] = [
  {
    id: 'e1',
    instanceName: 'orders',
    actor: 'user:default/guest',
    action: 'create',
    toStatus: 'Pending',
    message: "Created with plan 'small', owned by user:default/guest",
    createdAt: '2025-01-01T10:00:00.000Z',
  },
  {
    id: 'e2',
    instanceName: 'orders',
    actor: 'supacontrol',
    action: 'reconcile',
    fromStatus: 'Pending',
    toStatus: 'Provisioning',
    message: 'Installing release supa-orders',
    createdAt: '2025-01-01T10:01:00.000Z',
  },
];

export const fakeClusterEvents: ClusterEvent[] = [
  {
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container auth',
    object: 'Pod/orders-auth-7d9f-abcde',
    count: 4,
    lastTimestamp: '2025-01-01T10:04:00.000Z',
  },
  {
    type: 'Normal',
    reason: 'Scheduled',
    message: 'Successfully assigned supa-orders/orders-db-0 to node-1',
    object: 'Pod/orders-db-0',
    count: 1,
    lastTimestamp: '2025-01-01T10:01:00.000Z',
  },
];

export const fakeLogText =
  '2025-01-01T10:05:00Z INFO ready to accept connections\n2025-01-01T10:05:01Z INFO checkpoint complete\n';

export const fakeCredentials: InstanceCredentials = {
  apiUrl: 'https://orders.supa.example.com',
  anonKey: 'eyJanon.key.value',
  serviceRoleKey: 'eyJservice.role.secret',
  postgresUrl:
    'postgresql://postgres:db-password@db.supa-orders.svc:5432/postgres',
  studioUrl: 'https://studio.orders.supa.example.com',
  dashboard: { username: 'supabase', password: 'studio-password' },
};

export const fakeHealth: HealthResponse = {
  status: 'ok',
  version: '0.1.0',
  database: { status: 'ok', client: 'better-sqlite3' },
  kubernetes: { status: 'ok' },
  clusters: [{ name: 'eu-1', region: 'eu-west', enabled: true, status: 'ok' }],
};

export function fakeApiKey(overrides: Partial<ApiKey> = {}): ApiKey {
  const id = overrides.id ?? 'abcdefgh12345678';
  return {
    id,
    name: 'ci',
    owner: 'user:default/guest',
    prefix: `sck_${id}`,
    scopes: ['instances:read'],
    createdAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A `SupaControlApi` whose every method is a jest mock with a sensible default answer. */
export function fakeApi(
  overrides: Partial<SupaControlApi> = {},
): jest.Mocked<SupaControlApi> {
  return {
    getHealth: jest.fn(async () => fakeHealth),
    listPlans: jest.fn(async () => fakePlans),
    getChartVersions: jest.fn(async () => ({
      name: 'supabase',
      default: '0.1.0',
      versions: ['0.1.0', '0.2.0'],
    })),
    listClusters: jest.fn(async () => fakeClusters),
    listInstances: jest.fn(async () => ({ items: [], totalCount: 0 })),
    getInstance: jest.fn(async (name: string) => fakeInstance({ name })),
    createInstance: jest.fn(async request =>
      fakeInstance({ name: request.name, status: 'Pending' }),
    ),
    deleteInstance: jest.fn(async (name: string) =>
      fakeInstance({ name, status: 'Deleting' }),
    ),
    retryInstance: jest.fn(async (name: string) =>
      fakeInstance({ name, status: 'Provisioning' }),
    ),
    pauseInstance: jest.fn(async (name: string) =>
      fakeInstance({ name, status: 'Updating', desiredState: 'paused' }),
    ),
    resumeInstance: jest.fn(async (name: string) =>
      fakeInstance({ name, status: 'Updating', desiredState: 'running' }),
    ),
    restartInstance: jest.fn(async (name: string) =>
      fakeInstance({ name, status: 'Updating' }),
    ),
    updateInstance: jest.fn(async (name: string, request) =>
      fakeInstance({
        name,
        ...(request.plan && { plan: request.plan, status: 'Updating' }),
        ...(request.deletionProtection !== undefined && {
          deletionProtection: request.deletionProtection,
        }),
      }),
    ),
    rotateCredentials: jest.fn(async (name: string) =>
      fakeInstance({ name, status: 'Updating' }),
    ),
    getClusterEvents: jest.fn(async () => fakeClusterEvents),
    readLogs: jest.fn(async () => fakeLogText),
    // Streams nothing and ends when the caller stops following.
    followLogs: jest.fn(
      (_name, _query, _onLine, signal: AbortSignal) =>
        new Promise<void>(resolve => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve());
        }),
    ),
    listInstanceEvents: jest.fn(async () => fakeEvents),
    getInstanceCredentials: jest.fn(async () => fakeCredentials),
    listApiKeys: jest.fn(async () => []),
    createApiKey: jest.fn(async request => ({
      id: 'newkey0000000000',
      name: request.name,
      prefix: 'sck_newkey0000000000',
      scopes: request.scopes ?? ['instances:read'],
      createdAt: new Date().toISOString(),
      key: 'sck_newkey0000000000_Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXktMTIzNDU',
    })),
    revokeApiKey: jest.fn(async () => {}),
    ...overrides,
  } as jest.Mocked<SupaControlApi>;
}

/** A `ResponseError` as `ResponseError.fromResponse` builds it from the backend's error JSON. */
export async function backendError(
  statusCode: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({ error: { name, message }, response: { statusCode } }),
      { status: statusCode, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}
