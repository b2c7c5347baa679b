/*
 * charts/supabase against what its images really are (charts/supabase/images.yaml) and against
 * Supabase's own self-hosting files, without a cluster. Our test cluster starts no container, so
 * these renders are the only check that a real instance would start: each defect found by
 * comparing the chart with upstream has a test here that fails on the chart before its fix.
 */
import { parse } from 'yaml';
import {
  CHART_SECRET,
  Container,
  FULL_VALUES,
  K8sObject,
  Values,
  containersOf,
  find,
  render,
  renderFailure,
  workloads,
} from './helm';
import {
  codeOfScript,
  disagreements,
  ImageContract,
  programsOfScript,
  readContract,
} from './contract';

jest.setTimeout(120_000);

const FULLNAME = 't1-supabase';
const BASE: Values = { secretName: CHART_SECRET };
const WITH_EVERYTHING: Values = FULL_VALUES;

const contracts = readContract();

/** Every disagreement of every container of a render with the image contract. */
function allDisagreements(
  objects: K8sObject[],
  table: Record<string, ImageContract> = contracts,
): string[] {
  return workloads(objects).flatMap(workload => {
    const pod = workload.spec.template.spec;
    const init = new Set((pod.initContainers ?? []).map((c: any) => c.name));
    return containersOf(workload).flatMap(c =>
      disagreements(workload, c, objects, table, { init: init.has(c.name) }),
    );
  });
}

function container(objects: K8sObject[], component: string): Container & any {
  const workload = workloads(objects).find(
    w => w.metadata.name === `${FULLNAME}-${component}`,
  )!;
  return workload.spec.template.spec.containers[0];
}

function env(c: Container, name: string): string | undefined {
  return c.env?.find(e => e.name === name)?.value;
}

interface KongService {
  name: string;
  routes: { paths: string[] }[];
  plugins?: { name: string; config?: any }[];
}

/** The Kong service that answers `path`: the route with the longest matching prefix wins. */
function kongServiceFor(objects: K8sObject[], path: string): KongService {
  const kong = parse(
    find(objects, 'ConfigMap', `${FULLNAME}-kong`).data!['kong.yml'],
  );
  let best: { service: KongService; length: number } | undefined;
  for (const service of kong.services as KongService[]) {
    for (const route of service.routes) {
      for (const prefix of route.paths) {
        if (path.startsWith(prefix) && prefix.length > (best?.length ?? -1)) {
          best = { service, length: prefix.length };
        }
      }
    }
  }
  if (!best) throw new Error(`no Kong route for ${path}`);
  return best.service;
}

describe('the image contract (charts/supabase/images.yaml)', () => {
  it('names an upstream source for every fact of every image', () => {
    for (const [image, contract] of Object.entries(contracts)) {
      expect({ image, tag: contract.tag, read: contract.read }).toEqual({
        image,
        tag: expect.stringMatching(/\S/),
        read: expect.stringMatching(/@/),
      });
      for (const fact of [
        'entrypoint',
        'executables',
        'runAs',
        'capabilities',
        'ports',
        'health',
        'env',
      ] as const) {
        expect({ image, fact, source: contract[fact].source }).toEqual({
          image,
          fact,
          source: expect.stringMatching(/\S+ .*@ ?\w+|\S+#\d+/),
        });
      }
    }
  });

  it('covers every image the chart pins, at the pinned tag', async () => {
    const { objects } = await render(WITH_EVERYTHING);
    const images = new Set(
      workloads(objects).flatMap(w => containersOf(w).map(c => c.image)),
    );
    expect([...images].sort()).toEqual(
      Object.entries(contracts)
        .map(([repository, c]) => `${repository}:${c.tag}`)
        .sort(),
    );
  });

  it.each([
    ['the default values', BASE],
    ['everything switched on', WITH_EVERYTHING],
  ])('has 0 disagreements with a render of %s', async (_name, values) => {
    const { objects } = await render(values);
    expect(allDisagreements(objects)).toEqual([]);
  });

  it('fails a tag bump until the contract is re-checked', async () => {
    const { objects } = await render({
      ...BASE,
      kong: { image: { tag: '3.9.2' } },
    });
    expect(allDisagreements(objects)).toEqual([
      `${FULLNAME}-kong/kong: runs kong/kong:3.9.2, but the contract was checked for kong/kong:3.9.1; re-read the image's upstream files and update its entry`,
    ]);
  });

  it('reports an image entrypoint kept without what it needs', async () => {
    const { objects } = await render({
      ...BASE,
      db: {
        // Helm merges maps, so the image's needs go only with an empty list.
        securityContext: { capabilities: { drop: ['ALL'], add: [] } },
      },
    });
    expect(allDisagreements(objects)).toEqual(
      expect.arrayContaining([
        `${FULLNAME}-db/postgres: keeps the image's entrypoint docker-entrypoint.sh, which needs SETUID, but drops it`,
      ]),
    );
  });
});

describe('defects found by comparing the chart with upstream, fixed', () => {
  it('1. Kong starts through the entrypoint kong/kong has, /entrypoint.sh', async () => {
    const { objects } = await render(BASE);
    const script = find(objects, 'ConfigMap', `${FULLNAME}-kong`).data![
      'start.sh'
    ];
    expect(programsOfScript(script)).toEqual(['/entrypoint.sh']);
    expect(allDisagreements(objects).filter(d => d.includes('-kong/'))).toEqual(
      [],
    );
    expect(contracts['kong/kong'].executables.value).not.toContain(
      '/docker-entrypoint.sh',
    );
  });

  it('2. Realtime starts without sudo, as nobody, with every capability dropped', async () => {
    const { objects } = await render(BASE);
    const realtime = container(objects, 'realtime');
    const script = find(objects, 'ConfigMap', `${FULLNAME}-realtime`).data![
      'start.sh'
    ];
    expect(codeOfScript(script)).not.toMatch(/\bsudo\b/);
    expect(programsOfScript(script)).toEqual([
      '/app/bin/migrate',
      '/app/bin/realtime',
    ]);
    expect(realtime.command).toEqual([
      '/usr/bin/tini',
      '-s',
      '-g',
      '--',
      '/bin/bash',
      '/etc/supacontrol/realtime/start.sh',
    ]);
    expect(realtime.args).toEqual(['/app/bin/server']);
    expect(realtime.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(
      allDisagreements(objects).filter(d => d.includes('-realtime/')),
    ).toEqual([]);
  });

  it('3. e-mail sign-up completes by default: without SMTP, sign-ups are confirmed automatically', async () => {
    const { objects } = await render(BASE);
    const auth = container(objects, 'auth');
    expect(env(auth, 'GOTRUE_SMTP_HOST')).toBeUndefined();
    expect(env(auth, 'GOTRUE_MAILER_AUTOCONFIRM')).toBe('true');

    const withSmtp = container((await render(WITH_EVERYTHING)).objects, 'auth');
    expect(env(withSmtp, 'GOTRUE_SMTP_HOST')).toBe('smtp.example.com');
    expect(env(withSmtp, 'GOTRUE_MAILER_AUTOCONFIRM')).toBe('false');

    expect(
      await renderFailure({ ...BASE, auth: { email: { autoconfirm: false } } }),
    ).toContain(
      'auth.email.autoconfirm is false but auth.smtp is not enabled: without an SMTP server no confirmation e-mail is sent',
    );
  });

  it.each([
    '/realtime/v1/api/tenants',
    '/realtime/v1/api/tenants/t1/health',
    '/realtime/v1/api/openapi',
  ])(
    '4. the public anon key cannot reach Realtime at %s: Kong answers 403',
    async path => {
      const { objects } = await render(BASE);
      const service = kongServiceFor(objects, path);
      expect(service.plugins).toEqual([
        {
          name: 'request-termination',
          config: { status_code: 403, message: 'Access is forbidden.' },
        },
      ]);
      const kongEnv = env(container(objects, 'kong'), 'KONG_PLUGINS')!;
      expect(kongEnv.split(',')).toContain('request-termination');
    },
  );

  it('4. still lets the anon key reach Realtime broadcasts and its socket', async () => {
    const { objects } = await render(BASE);
    expect(kongServiceFor(objects, '/realtime/v1/api/broadcast').name).toBe(
      'realtime-v1-rest',
    );
    expect(kongServiceFor(objects, '/realtime/v1/websocket').name).toBe(
      'realtime-v1-ws',
    );
  });

  it.each([
    ['/sso/saml/acs', 'auth-v1-open-sso-acs'],
    ['/sso/saml/metadata', 'auth-v1-open-sso-metadata'],
    ['/.well-known/oauth-authorization-server', 'well-known-oauth'],
  ])('routes %s to Auth without an API key', async (path, name) => {
    const { objects } = await render(BASE);
    const service = kongServiceFor(objects, path);
    expect(service.name).toBe(name);
    expect(service.plugins).toEqual([{ name: 'cors' }]);
  });

  it('names Studio the logs flag it reads and keeps its snippets on a claim', async () => {
    const { objects } = await render(BASE);
    const studio = container(objects, 'studio');
    expect(env(studio, 'ENABLED_FEATURES_LOGS_ALL')).toBe('false');
    expect(env(studio, 'NEXT_PUBLIC_ENABLE_LOGS')).toBeUndefined();
    const pod = find(objects, 'Deployment', `${FULLNAME}-studio`).spec.template
      .spec;
    expect(studio.volumeMounts).toEqual([
      { name: 'data', mountPath: '/app/snippets' },
    ]);
    expect(pod.volumes).toEqual([
      {
        name: 'data',
        persistentVolumeClaim: { claimName: `${FULLNAME}-studio-data` },
      },
    ]);
    expect(
      find(objects, 'PersistentVolumeClaim', `${FULLNAME}-studio-data`).spec
        .resources,
    ).toEqual({ requests: { storage: '1Gi' } });
  });

  it('makes auth, storage and realtime wait for the database', async () => {
    const { objects } = await render(BASE);
    for (const component of ['auth', 'storage', 'realtime']) {
      const pod = find(objects, 'Deployment', `${FULLNAME}-${component}`).spec
        .template.spec;
      expect(pod.initContainers).toEqual([
        expect.objectContaining({
          name: 'wait-for-db',
          image: 'supabase/postgres:17.6.1.136',
          command: [
            '/bin/sh',
            '-c',
            expect.stringContaining('until pg_isready --host="$DB_HOST"'),
          ],
          env: [{ name: 'DB_HOST', value: `${FULLNAME}-db` }],
        }),
      ]);
    }
  });

  it('governs the database StatefulSet with a headless Service', async () => {
    const { objects } = await render(BASE);
    const statefulSet = find(objects, 'StatefulSet', `${FULLNAME}-db`);
    const governing = find(objects, 'Service', statefulSet.spec.serviceName);
    expect(governing.spec.clusterIP).toBe('None');
    expect(governing.spec.selector).toEqual(
      statefulSet.spec.selector.matchLabels,
    );
    expect(find(objects, 'Service', `${FULLNAME}-db`).spec.clusterIP).toBe(
      undefined,
    );
  });
});
