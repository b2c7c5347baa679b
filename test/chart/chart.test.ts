/*
 * charts/supabase without a cluster: helm lint, helm template and the values schema.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  CHART_DIR,
  CHART_SECRET,
  FULL_VALUES,
  Container,
  EnvVar,
  K8sObject,
  NAMESPACE,
  RELEASE,
  Values,
  containersOf,
  countKinds,
  find,
  render,
  renderFailure,
  runHelm,
  workloads,
} from './helm';
import { testHelmPath } from '../src/testBed';

jest.setTimeout(120_000);

const SECRET = CHART_SECRET;
const FULLNAME = `${RELEASE}-supabase`;
const BASE: Values = { secretName: SECRET };
const FULL: Values = FULL_VALUES;

function withBase(values: Values): Values {
  return { ...BASE, ...values };
}

/** Values published with the self-hosting examples; a safe chart renders none of them. */
const DEMO_SECRETS = [
  'your-super-secret-jwt-token-with-at-least-32-characters-long',
  'super-secret-jwt-token-with-at-least-32-characters-long',
  'your-super-secret-and-long-postgres-password',
  'this_password_is_insecure_and_should_be_updated',
  // anon and service_role keys of docker/.env.example (pretty-printed payloads)
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyAgCiAgICAicm9sZSI6ICJhbm9uIiwKICAgICJpc3MiOiAic3VwYWJhc2UtZGVtbyIsCiAgICAiaWF0IjogMTY0MTc2OTIwMCwKICAgICJleHAiOiAxNzk5NTM1NjAwCn0.dc_X5iR_VP_qT0zsiyj_I_OZ2T9FtRU2BBNWN8Bu4GE',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyAgCiAgICAicm9sZSI6ICJzZXJ2aWNlX3JvbGUiLAogICAgImlzcyI6ICJzdXBhYmFzZS1kZW1vIiwKICAgICJpYXQiOiAxNjQxNzY5MjAwLAogICAgImV4cCI6IDE3OTk1MzU2MDAKfQ.DaYlNEoUrrEn2Ig7tqibS-PHK5vgusbcbo7X36XVt4Q',
  // the same claims with compact payloads, signed with the demo JWT secret
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiIsImlzcyI6InN1cGFiYXNlLWRlbW8iLCJpYXQiOjE2NDE3NjkyMDAsImV4cCI6MTc5OTUzNTYwMH0',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIiwiaXNzIjoic3VwYWJhc2UtZGVtbyIsImlhdCI6MTY0MTc2OTIwMCwiZXhwIjoxNzk5NTM1NjAwfQ',
  'UpNVntn3cDxHJpq99YMc1T1AQgQpc8kfYTuRgBiYa15BLrx8etQoXz3gZv1/u2oq',
  'your-32-character-encryption-key',
  'your-encryption-key-32-chars-min',
  'supabaserealtime',
  'your-super-secret-and-long-logflare-key',
  '625729a08b95bf1b7ff351a663f3a23c',
  '850181e4652dd023b7a98c58ae0d2d34bd487ee0cc3254aed6eda37307425907',
  'supabase-demo',
];

/** What each component must read from the Secret: env var → Secret key. */
const SECRET_ENV: Record<string, Record<string, string>> = {
  db: {
    PGPASSWORD: 'db-password',
    POSTGRES_PASSWORD: 'db-password',
    JWT_SECRET: 'jwt-secret',
  },
  auth: {
    DB_PASSWORD: 'db-password',
    GOTRUE_JWT_SECRET: 'jwt-secret',
    GOTRUE_SMTP_USER: 'smtp-username',
    GOTRUE_SMTP_PASS: 'smtp-password',
  },
  rest: {
    DB_PASSWORD: 'db-password',
    PGRST_JWT_SECRET: 'jwt-secret',
    PGRST_APP_SETTINGS_JWT_SECRET: 'jwt-secret',
  },
  realtime: {
    DB_PASSWORD: 'db-password',
    DB_ENC_KEY: 'realtime-db-enc-key',
    API_JWT_SECRET: 'jwt-secret',
    METRICS_JWT_SECRET: 'jwt-secret',
    SECRET_KEY_BASE: 'realtime-secret-key-base',
  },
  storage: {
    ANON_KEY: 'anon-key',
    SERVICE_KEY: 'service-role-key',
    PGRST_JWT_SECRET: 'jwt-secret',
    DB_PASSWORD: 'db-password',
  },
  meta: { PG_META_DB_PASSWORD: 'db-password', CRYPTO_KEY: 'meta-crypto-key' },
  studio: {
    POSTGRES_PASSWORD: 'db-password',
    PG_META_CRYPTO_KEY: 'meta-crypto-key',
    SUPABASE_ANON_KEY: 'anon-key',
    SUPABASE_SERVICE_KEY: 'service-role-key',
    AUTH_JWT_SECRET: 'jwt-secret',
  },
  kong: {
    SUPABASE_ANON_KEY: 'anon-key',
    SUPABASE_SERVICE_KEY: 'service-role-key',
    DASHBOARD_USERNAME: 'dashboard-username',
    DASHBOARD_PASSWORD: 'dashboard-password',
  },
  functions: {
    JWT_SECRET: 'jwt-secret',
    SUPABASE_ANON_KEY: 'anon-key',
    SUPABASE_SERVICE_ROLE_KEY: 'service-role-key',
    DB_PASSWORD: 'db-password',
  },
};

/** Names that carry a secret whatever the component. */
const SECRET_NAME = /(PASSWORD|_PASS|SECRET|_KEY|KEY_BASE|TOKEN)$|SECRET/;

const LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/part-of',
];

/** Capabilities Pod Security baseline allows to add. */
const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

function component(o: K8sObject): string {
  return o.metadata.labels?.['app.kubernetes.io/component'] ?? '';
}

function podLabels(workload: K8sObject): Record<string, string> {
  return workload.spec.template.metadata.labels;
}

function matches(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function envOf(container: Container): EnvVar[] {
  return container.env ?? [];
}

/** Secret keys the objects read: env secretKeyRefs and Secret volumes. */
function referencedSecretKeys(objects: K8sObject[]): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  const add = (secret: string, key: string) => {
    keys.set(secret, (keys.get(secret) ?? new Set()).add(key));
  };
  for (const w of workloads(objects)) {
    for (const c of containersOf(w)) {
      for (const e of envOf(c)) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          add(ref.name, ref.key);
        }
      }
    }
    for (const v of w.spec.template.spec.volumes ?? []) {
      if (v.secret) {
        for (const item of v.secret.items ?? [{ key: '*' }]) {
          add(v.secret.secretName, item.key);
        }
      }
    }
  }
  return keys;
}

/** The Secret keys table of the chart README: key → required. */
function readmeSecretKeys(): Map<string, boolean> {
  const readme = readFileSync(path.join(CHART_DIR, 'README.md'), 'utf8');
  const section = readme.split('\n## Secret keys\n')[1]?.split('\n## ')[0];
  if (!section) {
    throw new Error(
      'charts/supabase/README.md has no "## Secret keys" section',
    );
  }
  const keys = new Map<string, boolean>();
  for (const line of section.split('\n')) {
    const row = line.match(/^\|\s*`([a-z0-9-]+)`\s*\|\s*([^|]+?)\s*\|/);
    if (row) {
      keys.set(row[1], row[2] === 'yes');
    }
  }
  return keys;
}

describe('charts/supabase', () => {
  beforeAll(() => {
    // Fails every test with instructions when the test bed's helm is missing; never skips.
    testHelmPath();
  });

  it('passes helm lint --strict', async () => {
    const result = await runHelm(['lint', '--strict', CHART_DIR], {
      values: FULL,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders the expected kinds and objects with only secretName set', async () => {
    const { objects } = await render(BASE);
    expect(countKinds(objects)).toEqual({
      ServiceAccount: 1,
      ConfigMap: 3,
      PersistentVolumeClaim: 3,
      Service: 9,
      StatefulSet: 1,
      Deployment: 7,
      NetworkPolicy: 2,
    });
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        `ServiceAccount/${FULLNAME}`,
        `ConfigMap/${FULLNAME}-db`,
        `ConfigMap/${FULLNAME}-kong`,
        `ConfigMap/${FULLNAME}-realtime`,
        `PersistentVolumeClaim/${FULLNAME}-db-data`,
        `PersistentVolumeClaim/${FULLNAME}-storage-data`,
        `PersistentVolumeClaim/${FULLNAME}-studio-data`,
        `StatefulSet/${FULLNAME}-db`,
        ...[
          'auth',
          'rest',
          'realtime',
          'storage',
          'meta',
          'studio',
          'kong',
        ].map(c => `Deployment/${FULLNAME}-${c}`),
        ...[
          'db',
          'auth',
          'rest',
          'realtime',
          'storage',
          'meta',
          'studio',
          'kong',
        ].map(c => `Service/${FULLNAME}-${c}`),
        `Service/${FULLNAME}-db-headless`,
        `NetworkPolicy/${FULLNAME}-same-namespace`,
        `NetworkPolicy/${FULLNAME}-egress`,
      ].sort(),
    );
  });

  it('adds the Ingress and Edge Functions when they are enabled', async () => {
    const { objects } = await render(FULL);
    expect(countKinds(objects)).toEqual({
      ServiceAccount: 1,
      ConfigMap: 4,
      PersistentVolumeClaim: 3,
      Service: 10,
      StatefulSet: 1,
      Deployment: 8,
      NetworkPolicy: 3,
      Ingress: 1,
    });
  });

  it('drops the NetworkPolicies and the claims when they are switched off', async () => {
    const { objects } = await render(
      withBase({
        networkPolicy: { enabled: false },
        persistence: { enabled: false },
      }),
    );
    const counts = countKinds(objects);
    expect(counts.NetworkPolicy).toBeUndefined();
    expect(counts.PersistentVolumeClaim).toBeUndefined();
    for (const w of workloads(objects).filter(o =>
      ['db', 'storage', 'studio'].includes(component(o)),
    )) {
      const data = w.spec.template.spec.volumes.find(
        (v: any) => v.name === 'data',
      );
      expect(data).toEqual({ name: 'data', emptyDir: {} });
    }
  });

  it('refuses to render without secretName, saying what is required', async () => {
    const message = await renderFailure({});
    expect(message).toContain('secretName is required');
    expect(message).toContain('jwt-secret');
  });

  it('reads every secret of every component from the named Secret', async () => {
    const { objects } = await render(FULL);
    for (const w of workloads(objects)) {
      const expected = SECRET_ENV[component(w)];
      expect(expected).toBeDefined();
      const env = new Map(
        containersOf(w).flatMap(c => envOf(c).map(e => [e.name, e])),
      );
      for (const [name, key] of Object.entries(expected)) {
        expect([
          w.metadata.name,
          name,
          env.get(name)?.valueFrom?.secretKeyRef,
        ]).toEqual([w.metadata.name, name, { name: SECRET, key }]);
      }
    }
  });

  it('never puts a literal secret into a container', async () => {
    const { objects } = await render(FULL);
    const problems: string[] = [];
    for (const w of workloads(objects)) {
      for (const c of containersOf(w)) {
        const fromSecret = new Set<string>();
        for (const e of envOf(c)) {
          const where = `${w.metadata.name}/${c.name} env ${e.name}`;
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) {
            fromSecret.add(e.name);
            if (ref.name !== SECRET) {
              problems.push(`${where} reads the Secret ${ref.name}`);
            }
          } else if (SECRET_NAME.test(e.name)) {
            problems.push(`${where} is not read from the Secret`);
          }
          // Connection URLs carry the password only as $(VAR) of a variable read before it
          // from the Secret, which the kubelet expands.
          const password = e.value?.match(/^[a-z]+:\/\/[^:/@]+:([^@]*)@/)?.[1];
          const variable = password?.match(/^\$\(([A-Z_]+)\)$/)?.[1];
          if (
            password !== undefined &&
            !(variable && fromSecret.has(variable))
          ) {
            problems.push(
              `${where} has a password that is not a Secret reference`,
            );
          }
        }
      }
      for (const v of w.spec.template.spec.volumes ?? []) {
        if (v.secret && v.secret.secretName !== SECRET) {
          problems.push(
            `${w.metadata.name} volume ${v.name} mounts ${v.secret.secretName}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('reads exactly the Secret keys the README documents', async () => {
    const documented = readmeSecretKeys();
    const required = [...documented].filter(([, r]) => r).map(([k]) => k);
    expect(required).toEqual(
      expect.arrayContaining([
        'jwt-secret',
        'anon-key',
        'service-role-key',
        'db-password',
      ]),
    );
    const base = referencedSecretKeys((await render(BASE)).objects);
    expect([...base.keys()]).toEqual([SECRET]);
    expect([...base.get(SECRET)!].sort()).toEqual(required.sort());
    const full = referencedSecretKeys((await render(FULL)).objects);
    expect([...full.get(SECRET)!].sort()).toEqual(
      [...documented.keys()].sort(),
    );
  });

  it('renders no Secret and none of the published demo secrets', async () => {
    for (const values of [BASE, FULL]) {
      const { text, objects } = await render(values);
      expect(objects.filter(o => o.kind === 'Secret')).toEqual([]);
      for (const demo of DEMO_SECRETS) {
        expect([demo, text.includes(demo)]).toEqual([demo, false]);
      }
      expect(text).not.toMatch(/your-super-secret/);
      // No JWT at all: every key comes from the Secret.
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    }
  });

  it("keeps Kong's keys out of its ConfigMap and fills them in at start-up", async () => {
    const { objects } = await render(FULL);
    const config = find(objects, 'ConfigMap', `${FULLNAME}-kong`).data!;
    const kong = parse(config['kong.yml']);
    expect(kong.consumers).toEqual([
      { username: 'dashboard' },
      {
        username: 'anon',
        keyauth_credentials: [{ key: '${SUPABASE_ANON_KEY}' }],
      },
      {
        username: 'service_role',
        keyauth_credentials: [{ key: '${SUPABASE_SERVICE_KEY}' }],
      },
    ]);
    expect(kong.basicauth_credentials).toEqual([
      {
        consumer: 'dashboard',
        username: '${DASHBOARD_USERNAME}',
        password: '${DASHBOARD_PASSWORD}',
      },
    ]);
    const urls: string[] = kong.services.map((s: { url: string }) => s.url);
    for (const url of urls) {
      expect(url).toMatch(
        new RegExp(
          `^http://${FULLNAME}-(auth|rest|realtime|storage|functions|meta|studio):`,
        ),
      );
    }
    expect(config['start.sh']).toContain(
      'exec /entrypoint.sh kong docker-start',
    );
    const container = containersOf(
      find(objects, 'Deployment', `${FULLNAME}-kong`),
    )[0];
    expect(container.env!.map(e => e.name)).toEqual(
      expect.arrayContaining(Object.keys(SECRET_ENV.kong)),
    );
  });

  const BAD_VALUES: [string, Values, RegExp][] = [
    [
      'negative replicas',
      { auth: { replicas: -1 } },
      /at '\/auth\/replicas': minimum/,
    ],
    [
      'two database replicas',
      { db: { replicas: 2 } },
      /at '\/db\/replicas': maximum/,
    ],
    [
      'replicas as a string',
      { rest: { replicas: '2' } },
      /at '\/rest\/replicas': got string, want integer/,
    ],
    [
      'an unknown top-level key',
      { replica: 3 },
      /additional properties 'replica' not allowed/,
    ],
    [
      'an unknown component key',
      { kong: { port: 80 } },
      /at '\/kong': additional properties 'port' not allowed/,
    ],
    [
      'a storage size without unit',
      { persistence: { db: { size: '10' } } },
      /at '\/persistence\/db\/size'/,
    ],
    [
      'a storage size in GB',
      { persistence: { storage: { size: '10GB' } } },
      /at '\/persistence\/storage\/size'/,
    ],
    [
      'a zero storage size',
      { persistence: { db: { size: '0Gi' } } },
      /at '\/persistence\/db\/size'/,
    ],
    [
      'keepDatabaseVolume as a string',
      { keepDatabaseVolume: 'yes' },
      /at '\/keepDatabaseVolume': got string, want boolean/,
    ],
    [
      'an ingress host with an underscore',
      { ingress: { enabled: true, hosts: { api: 'bad_host.example.com' } } },
      /at '\/ingress\/hosts\/api'/,
    ],
    [
      'an ingress without an API host',
      { ingress: { enabled: true } },
      /at '\/ingress\/hosts\/api': minLength/,
    ],
    [
      'a public URL without scheme',
      { publicUrls: { api: 'api.example.com' } },
      /at '\/publicUrls\/api'/,
    ],
    [
      'a privileged container',
      { db: { securityContext: { privileged: true } } },
      /at '\/db\/securityContext\/privileged'/,
    ],
    [
      'a capability beyond baseline',
      {
        storage: { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } },
      },
      /at '\/storage\/securityContext\/capabilities\/add\/0'/,
    ],
    [
      'an Unconfined seccomp profile',
      {
        meta: {
          podSecurityContext: { seccompProfile: { type: 'Unconfined' } },
        },
      },
      /at '\/meta\/podSecurityContext\/seccompProfile\/type'/,
    ],
    [
      'a CPU that is no quantity',
      { studio: { resources: { requests: { cpu: 'lots' } } } },
      /at '\/studio\/resources\/requests\/cpu'/,
    ],
    [
      'an env value that is no string',
      { auth: { extraEnv: [{ name: 'X', value: true }] } },
      /at '\/auth\/extraEnv\/0\/value': got boolean, want string/,
    ],
    [
      'a secretName that is no object name',
      { secretName: 'Not A Name' },
      /at '\/secretName'/,
    ],
    [
      'a reserved common label',
      { commonLabels: { 'app.kubernetes.io/name': 'x' } },
      /invalid propertyName 'app.kubernetes.io\/name'/,
    ],
    [
      'SMTP without a host',
      { auth: { smtp: { enabled: true, adminEmail: 'a@example.com' } } },
      /at '\/auth\/smtp\/host': minLength/,
    ],
    [
      'a JWT expiry under a minute',
      { jwt: { expiry: 10 } },
      /at '\/jwt\/expiry': minimum/,
    ],
    [
      'an egress range that is no IPv4 CIDR',
      {
        networkPolicy: {
          egress: { allow: [{ cidr: '10.0.0.0', ports: [{ port: 587 }] }] },
        },
      },
      /at '\/networkPolicy\/egress\/allow\/0\/cidr'/,
    ],
    [
      'an egress range without ports',
      { networkPolicy: { egress: { allow: [{ cidr: '10.0.0.0/8' }] } } },
      /at '\/networkPolicy\/egress\/allow\/0': missing property 'ports'/,
    ],
    [
      'an image without tag',
      { kong: { image: { tag: '' } } },
      /at '\/kong\/image\/tag'/,
    ],
  ];

  it.each(BAD_VALUES)('refuses %s', async (_name, values, message) => {
    const stderr = await renderFailure(withBase(values));
    expect(stderr).toContain(
      "values don't meet the specifications of the schema",
    );
    expect(stderr).toMatch(message);
  });

  it.each([
    [true, { 'helm.sh/resource-policy': 'keep' }],
    [false, undefined],
  ])(
    'with keepDatabaseVolume %s annotates the data claims with %j',
    async (keep, annotations) => {
      const { objects } = await render(withBase({ keepDatabaseVolume: keep }));
      for (const name of [`${FULLNAME}-db-data`, `${FULLNAME}-storage-data`]) {
        expect(
          find(objects, 'PersistentVolumeClaim', name).metadata.annotations,
        ).toEqual(annotations);
      }
    },
  );

  it('mounts the database claim in the StatefulSet', async () => {
    const { objects } = await render(
      withBase({ persistence: { storageClass: 'fast', db: { size: '20Gi' } } }),
    );
    const claim = find(objects, 'PersistentVolumeClaim', `${FULLNAME}-db-data`);
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '20Gi' } },
    });
    const db = find(objects, 'StatefulSet', `${FULLNAME}-db`);
    expect(db.spec.volumeClaimTemplates).toBeUndefined();
    const data = db.spec.template.spec.volumes.find(
      (v: any) => v.name === 'data',
    );
    expect(data.persistentVolumeClaim).toEqual({
      claimName: claim.metadata.name,
    });
  });

  it('renders only namespaced kinds and no object for another namespace', async () => {
    const { objects } = await render(FULL);
    const namespaced = [
      'ServiceAccount',
      'ConfigMap',
      'PersistentVolumeClaim',
      'Service',
      'StatefulSet',
      'Deployment',
      'NetworkPolicy',
      'Ingress',
    ];
    for (const o of objects) {
      expect([o.kind, namespaced.includes(o.kind)]).toEqual([o.kind, true]);
      expect([o.metadata.name, o.metadata.namespace ?? NAMESPACE]).toEqual([
        o.metadata.name,
        NAMESPACE,
      ]);
    }
  });

  it('gives every object a unique name starting with the release fullname', async () => {
    const { objects } = await render(FULL);
    const ids = objects.map(o => `${o.kind}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of objects) {
      expect(o.metadata.name.startsWith(FULLNAME)).toBe(true);
      expect(o.metadata.name.length).toBeLessThanOrEqual(63);
    }
  });

  it('labels every object and pod, and every selector matches its own pods only', async () => {
    const { objects } = await render(
      withBase({ ...FULL, commonLabels: { 'supacontrol.io/instance': 't1' } }),
    );
    const pods = workloads(objects).map(w => ({
      name: w.metadata.name,
      labels: podLabels(w),
    }));
    for (const o of [
      ...objects,
      ...workloads(objects).map(w => w.spec.template),
    ]) {
      const labels = o.metadata.labels ?? {};
      expect(Object.keys(labels)).toEqual(
        expect.arrayContaining([...LABELS, 'supacontrol.io/instance']),
      );
      expect(labels['app.kubernetes.io/name']).toBe('supabase');
      expect(labels['app.kubernetes.io/instance']).toBe(RELEASE);
      expect(labels['app.kubernetes.io/managed-by']).toBe('Helm');
      expect(labels['app.kubernetes.io/part-of']).toBe('supabase');
      expect(labels['app.kubernetes.io/component']).toMatch(/^[a-z]+$/);
    }
    for (const w of workloads(objects)) {
      const selector = w.spec.selector.matchLabels;
      expect(matches(selector, podLabels(w))).toBe(true);
      expect(
        pods.filter(p => matches(selector, p.labels)).map(p => p.name),
      ).toEqual([w.metadata.name]);
    }
    for (const s of objects.filter(o => o.kind === 'Service')) {
      expect(
        pods.filter(p => matches(s.spec.selector, p.labels)).map(p => p.name),
      ).toEqual([s.metadata.name.replace(/-headless$/, '')]);
    }
  });

  const INGRESS = { enabled: true, hosts: { api: 't1-api.example.com' } };

  it("refuses an ingress without the ingress controller's namespace, which has no default", async () => {
    expect(await renderFailure(withBase({ ingress: INGRESS }))).toContain(
      'networkPolicy.ingressController.namespace or .namespaceSelector is required when ingress.enabled',
    );
  });

  it.each([
    [
      'a namespace',
      { namespace: 'traefik' },
      { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
    ],
    [
      'a namespace selector, which replaces the namespace',
      { namespaceSelector: { matchLabels: { role: 'ingress' } } },
      { matchLabels: { role: 'ingress' } },
    ],
  ])(
    'admits traffic only from the namespace and, to Kong, from the ingress controller in %s',
    async (_name, controllerValues, namespaceSelector) => {
      const { objects } = await render(
        withBase({
          ingress: INGRESS,
          networkPolicy: { ingressController: controllerValues },
        }),
      );
      const policies = objects.filter(
        o =>
          o.kind === 'NetworkPolicy' && o.spec.policyTypes.includes('Ingress'),
      );
      const pods = workloads(objects).map(podLabels);
      const sameNamespace = find(
        policies,
        'NetworkPolicy',
        `${FULLNAME}-same-namespace`,
      );
      expect(
        pods.every(p => matches(sameNamespace.spec.podSelector.matchLabels, p)),
      ).toBe(true);
      expect(sameNamespace.spec.ingress).toEqual([
        { from: [{ podSelector: {} }] },
      ]);
      const controller = find(
        policies,
        'NetworkPolicy',
        `${FULLNAME}-ingress-controller`,
      );
      expect(
        pods
          .filter(p => matches(controller.spec.podSelector.matchLabels, p))
          .map(p => p['app.kubernetes.io/component']),
      ).toEqual(['kong']);
      expect(controller.spec.ingress).toEqual([
        {
          from: [{ namespaceSelector, podSelector: {} }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
      ]);
      expect(policies.map(p => p.spec.policyTypes)).toEqual([
        ['Ingress'],
        ['Ingress'],
      ]);
    },
  );

  it('keeps every pod within Pod Security baseline, and restricted where the image allows', async () => {
    const { objects } = await render(FULL);
    const restricted = ['auth', 'rest', 'storage', 'kong', 'realtime'];
    const problems: string[] = [];
    for (const w of workloads(objects)) {
      const pod = w.spec.template.spec;
      const name = w.metadata.name;
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
        if (pod[field]) {
          problems.push(`${name} sets ${field}`);
        }
      }
      if (pod.automountServiceAccountToken !== false) {
        problems.push(`${name} mounts a ServiceAccount token`);
      }
      if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') {
        problems.push(`${name} has no RuntimeDefault seccomp profile`);
      }
      for (const v of pod.volumes ?? []) {
        if (v.hostPath) {
          problems.push(`${name} mounts the host path ${v.hostPath.path}`);
        }
      }
      const isRestricted = restricted.includes(component(w));
      if (
        isRestricted &&
        !(pod.securityContext.runAsNonRoot && pod.securityContext.runAsUser > 0)
      ) {
        problems.push(`${name} may run as root`);
      }
      for (const c of containersOf(w)) {
        const sc = c.securityContext ?? {};
        const where = `${name}/${c.name}`;
        if (sc.privileged) {
          problems.push(`${where} is privileged`);
        }
        if (sc.allowPrivilegeEscalation !== false) {
          problems.push(`${where} allows privilege escalation`);
        }
        if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') {
          problems.push(`${where} does not drop all capabilities`);
        }
        const added: string[] = sc.capabilities?.add ?? [];
        for (const cap of added.filter(
          a => !BASELINE_CAPABILITIES.includes(a),
        )) {
          problems.push(`${where} adds ${cap}, which baseline forbids`);
        }
        if (isRestricted && added.length > 0) {
          problems.push(`${where} adds capabilities, which restricted forbids`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every container a readiness and a liveness probe', async () => {
    const { objects } = await render(FULL);
    for (const w of workloads(objects)) {
      // Init containers run to completion and take no probes.
      for (const c of w.spec.template.spec.containers as Container[]) {
        expect([
          `${w.metadata.name}/${c.name}`,
          !!c.readinessProbe,
          !!c.livenessProbe,
        ]).toEqual([`${w.metadata.name}/${c.name}`, true, true]);
      }
    }
  });

  it('runs the pinned images with resources on every container', async () => {
    const { objects } = await render(FULL);
    const images = new Set(
      workloads(objects).flatMap(w => containersOf(w).map(c => c.image)),
    );
    expect([...images].sort()).toEqual(
      [
        'supabase/postgres:17.6.1.136',
        'supabase/gotrue:v2.189.0',
        'postgrest/postgrest:v14.12',
        'supabase/realtime:v2.102.3',
        'supabase/storage-api:v1.60.4',
        'darthsim/imgproxy:v3.30.1',
        'supabase/postgres-meta:v0.96.6',
        'supabase/studio:2026.07.07-sha-a6a04f2',
        'kong/kong:3.9.1',
        'supabase/edge-runtime:v1.74.0',
      ].sort(),
    );
    for (const w of workloads(objects)) {
      for (const c of containersOf(w)) {
        expect(c.resources?.requests?.memory).toBeDefined();
        expect(c.resources?.limits?.memory).toBeDefined();
      }
    }
  });

  it('takes the resources and replicas of each component from the values', async () => {
    const { objects } = await render(
      withBase({
        auth: { replicas: 3, resources: { requests: { cpu: '200m' } } },
        db: { replicas: 0 },
      }),
    );
    const auth = find(objects, 'Deployment', `${FULLNAME}-auth`);
    expect(auth.spec.replicas).toBe(3);
    expect(auth.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '200m', memory: '64Mi' },
      limits: { memory: '256Mi' },
    });
    expect(find(objects, 'StatefulSet', `${FULLNAME}-db`).spec.replicas).toBe(
      0,
    );
  });

  function envValue(
    objects: K8sObject[],
    workload: string,
    name: string,
  ): string | undefined {
    const w = find(objects, 'Deployment', `${FULLNAME}-${workload}`);
    return containersOf(w)
      .flatMap(envOf)
      .find(e => e.name === name)?.value;
  }

  it.each([
    ['TLS ingress hosts', FULL, 'https://t1-api.example.com'],
    [
      'an ingress without TLS',
      withBase({
        ingress: { enabled: true, hosts: { api: 'api.t1.example' } },
        networkPolicy: { ingressController: { namespace: 'ingress-nginx' } },
      }),
      'http://api.t1.example',
    ],
    ['no ingress', BASE, `http://${FULLNAME}-kong.${NAMESPACE}.svc:8000`],
    [
      'an explicit public URL',
      withBase({ publicUrls: { api: 'https://api.example.org/' } }),
      'https://api.example.org',
    ],
  ])('derives the public URLs from %s', async (_name, values, url) => {
    const { objects } = await render(values);
    expect(envValue(objects, 'auth', 'API_EXTERNAL_URL')).toBe(url);
    expect(envValue(objects, 'auth', 'GOTRUE_SITE_URL')).toBe(url);
    expect(envValue(objects, 'studio', 'SUPABASE_PUBLIC_URL')).toBe(url);
    expect(envValue(objects, 'storage', 'STORAGE_PUBLIC_URL')).toBe(url);
  });

  it('routes both ingress hosts to Kong, with TLS from the cert-manager issuer', async () => {
    const { objects } = await render(FULL);
    const ingress = find(objects, 'Ingress', FULLNAME);
    expect(ingress.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
    });
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([
      {
        secretName: `${FULLNAME}-tls`,
        hosts: ['t1-api.example.com', 't1-studio.example.com'],
      },
    ]);
    expect(
      ingress.spec.rules.map((r: any) => [
        r.host,
        r.http.paths[0].backend.service,
      ]),
    ).toEqual([
      [
        't1-api.example.com',
        { name: `${FULLNAME}-kong`, port: { name: 'http' } },
      ],
      [
        't1-studio.example.com',
        { name: `${FULLNAME}-kong`, port: { name: 'http' } },
      ],
    ]);
  });

  it('rolls the pods when secretRevision changes', async () => {
    const { objects } = await render(FULL);
    for (const w of workloads(objects)) {
      expect(
        w.spec.template.metadata.annotations['supacontrol.io/secret-revision'],
      ).toBe('7');
    }
  });
});
