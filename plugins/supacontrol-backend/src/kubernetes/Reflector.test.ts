import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { KubernetesClient } from './KubernetesClient';
import { Reflector } from './Reflector';

/*
 * The informers' reflector against the test bed's kube-apiserver: a list, then a watch resumed
 * from where it ended, never a second list while the resourceVersion is still served.
 */

jest.setTimeout(120_000);

function kubeconfigPath(): string {
  const path = process.env.SUPACONTROL_TEST_KUBECONFIG;
  if (!path) {
    throw new Error(
      'SUPACONTROL_TEST_KUBECONFIG is not set: run the tests with ./scripts/test, or ./scripts/cluster up and source <(./scripts/cluster env)',
    );
  }
  return path;
}

async function eventually<T>(
  what: string,
  probe: () => T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

const suffix = randomBytes(3).toString('hex');
const label = `supacontrol-test/reflector`;
const names = [0, 1, 2, 3].map(i => `reflector-${suffix}-${i}`);
let core: CoreV1Api;

beforeAll(() => {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath());
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  for (const name of names) {
    await core.deleteNamespace({ name }).catch(() => {});
  }
});

it('lists, follows changes, and resumes each watch from its resourceVersion', async () => {
  for (const name of names.slice(0, 2)) {
    await core.createNamespace({
      body: { metadata: { name, labels: { [label]: suffix } } },
    });
  }
  const changes: string[] = [];
  const reflector = new Reflector<{ name: string; colour?: string }>({
    kube: KubernetesClient.create({
      type: 'kubeconfig',
      path: kubeconfigPath(),
    }),
    collection: { kind: 'namespaces' },
    labelSelector: `${label}=${suffix}`,
    project: ns => ({
      name: ns.metadata.name,
      colour: ns.metadata.annotations?.colour,
    }),
    onChange: (key, before, after) =>
      changes.push(
        `${key}:${before ? 'had' : 'new'}:${after ? 'has' : 'gone'}`,
      ),
    logger: mockServices.logger.mock(),
    // The server ends each watch after 2 s, so that the test sees several resumed.
    watchSeconds: 2,
  });
  try {
    reflector.start();
    await eventually('the first list', () => reflector.live || undefined);
    expect([...reflector.values()].map(v => v.name).sort()).toEqual(
      names.slice(0, 2),
    );
    expect(changes.sort()).toEqual([
      `${names[0]}:new:has`,
      `${names[1]}:new:has`,
    ]);

    // Changes arrive through the watch.
    await core.createNamespace({
      body: { metadata: { name: names[2], labels: { [label]: suffix } } },
    });
    await eventually('the new namespace', () => reflector.get(names[2]));

    // A change to a field the projection does not keep is no change.
    changes.length = 0;
    await core.patchNamespace({
      name: names[0],
      body: [{ op: 'add', path: '/metadata/annotations', value: { a: '1' } }],
    });
    // A namespace without the label is never seen.
    await core.createNamespace({ body: { metadata: { name: names[3] } } });

    // Several watches end and are resumed; no second list.
    await eventually(
      'three watches',
      () => (reflector.stats.watches >= 3 ? true : undefined),
      20_000,
    );
    await core.patchNamespace({
      name: names[1],
      body: [
        {
          op: 'add',
          path: '/metadata/annotations',
          value: { colour: 'blue' },
        },
      ],
    });
    await eventually('the annotation', () =>
      reflector.get(names[1])?.colour === 'blue' ? true : undefined,
    );
    expect(reflector.stats.lists).toBe(1);
    expect(reflector.get(names[3])).toBeUndefined();
    expect(changes).toEqual([`${names[1]}:had:has`]);

    // Deleted: marked for deletion first, then gone (the namespace controller finishes it).
    await core.deleteNamespace({ name: names[2] });
    await eventually(
      'the deletion',
      () => (reflector.get(names[2]) ? undefined : true),
      90_000,
    );
    expect(changes).toContain(`${names[2]}:had:gone`);
    expect(reflector.stats.lists).toBe(1);
  } finally {
    reflector.stop();
  }
  expect(reflector.live).toBe(false);
});
