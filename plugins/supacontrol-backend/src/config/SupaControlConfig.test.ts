import { ConfigReader } from '@backstage/config';
import { readSupaControlConfig } from './SupaControlConfig';

const read = (supacontrol: object) =>
  readSupaControlConfig(new ConfigReader({ supacontrol }));

describe('readSupaControlConfig', () => {
  it('reads the ingress controller namespace and the egress ranges', () => {
    const config = read({
      ingress: {
        domain: 'supa.example.com',
        controllerNamespace: 'traefik',
        controllerPodLabels: { 'app.kubernetes.io/name': 'traefik' },
      },
      networkPolicy: {
        egress: {
          allow: [
            { cidr: '0.0.0.0/0', ports: [{ port: 587 }] },
            { cidr: '10.1.0.0/16', ports: [{ port: 53, protocol: 'UDP' }] },
          ],
          deny: ['10.96.0.0/12'],
        },
      },
    });
    expect(config.ingress).toEqual({
      domain: 'supa.example.com',
      controllerNamespace: 'traefik',
      controllerPodLabels: { 'app.kubernetes.io/name': 'traefik' },
      className: undefined,
      clusterIssuer: undefined,
    });
    expect(config.egress).toEqual({
      allow: [
        { cidr: '0.0.0.0/0', ports: [{ port: 587, protocol: 'TCP' }] },
        { cidr: '10.1.0.0/16', ports: [{ port: 53, protocol: 'UDP' }] },
      ],
      deny: ['10.96.0.0/12'],
    });
  });

  it('allows no egress beyond the namespace and DNS by default', () => {
    expect(read({}).egress).toEqual({ allow: [], deny: [] });
  });

  it('gives every plan the global SMTP server unless it names its own', () => {
    const config = read({
      smtp: {
        host: 'smtp.example.com',
        senderEmail: 'noreply@example.com',
        credentials: { namespace: 'supacontrol-system', name: 'smtp' },
      },
      plans: {
        small: { default: true },
        large: {
          smtp: {
            host: 'mail.example.org',
            port: 2525,
            senderEmail: 'a@b.org',
          },
        },
      },
    });
    expect(config.plans.map(p => [p.name, p.smtp])).toEqual([
      [
        'small',
        {
          host: 'smtp.example.com',
          port: 587,
          senderEmail: 'noreply@example.com',
          senderName: undefined,
          credentials: { namespace: 'supacontrol-system', name: 'smtp' },
        },
      ],
      [
        'large',
        {
          host: 'mail.example.org',
          port: 2525,
          senderEmail: 'a@b.org',
          senderName: undefined,
          credentials: undefined,
        },
      ],
    ]);
    expect(read({}).plans.every(p => p.smtp === undefined)).toBe(true);
  });

  it.each([
    [
      'an SMTP server without a host',
      { smtp: { senderEmail: 'a@b.org' } },
      "supacontrol.smtp.host: must be the SMTP server's host name",
    ],
    [
      'an SMTP sender that is no address',
      { smtp: { host: 'smtp.example.com', senderEmail: 'noreply' } },
      "supacontrol.smtp.senderEmail: must be the sender's e-mail address",
    ],
    [
      'SMTP credentials without a Secret name',
      {
        plans: {
          small: {
            smtp: {
              host: 'smtp.example.com',
              senderEmail: 'a@b.org',
              credentials: { namespace: 'x' },
            },
          },
        },
      },
      'supacontrol.plans.small.smtp.credentials: must name a Secret',
    ],
    [
      'an ingress domain without the controller namespace',
      { ingress: { domain: 'supa.example.com' } },
      'supacontrol.ingress.controllerNamespace: is required with ingress.domain',
    ],
    [
      'a controller namespace that is no name',
      {
        ingress: { domain: 'supa.example.com', controllerNamespace: 'Ingress' },
      },
      "supacontrol.ingress.controllerNamespace: must be a namespace name; got 'Ingress'",
    ],
    [
      'a controller pod label that is no label',
      {
        ingress: {
          domain: 'supa.example.com',
          controllerNamespace: 'ingress',
          controllerPodLabels: { app: 'not a value' },
        },
      },
      "supacontrol.ingress.controllerPodLabels.app: must be a Kubernetes label (name and value); got 'app: not a value'",
    ],
    [
      'an allowed range that is no IPv4 CIDR',
      {
        networkPolicy: {
          egress: { allow: [{ cidr: '10.0.0.0', ports: [{ port: 1 }] }] },
        },
      },
      "supacontrol.networkPolicy.egress.allow[0].cidr: must be an IPv4 range such as 10.0.0.0/8; got '10.0.0.0'",
    ],
    [
      'an allowed range without ports',
      { networkPolicy: { egress: { allow: [{ cidr: '10.0.0.0/8' }] } } },
      'supacontrol.networkPolicy.egress.allow[0].ports: list the ports to allow',
    ],
    [
      'a port out of range',
      {
        networkPolicy: {
          egress: { allow: [{ cidr: '10.0.0.0/8', ports: [{ port: 70000 }] }] },
        },
      },
      'supacontrol.networkPolicy.egress.allow[0].ports[0].port: must be a port from 1 to 65535; got 70000',
    ],
    [
      'an unknown protocol',
      {
        networkPolicy: {
          egress: {
            allow: [
              { cidr: '10.0.0.0/8', ports: [{ port: 1, protocol: 'SCTP' }] },
            ],
          },
        },
      },
      "supacontrol.networkPolicy.egress.allow[0].ports[0].protocol: must be TCP or UDP; got 'SCTP'",
    ],
    [
      'a denied range that is no CIDR',
      { networkPolicy: { egress: { deny: ['api.example.com'] } } },
      "supacontrol.networkPolicy.egress.deny[0]: must be an IPv4 range such as 10.0.0.0/8; got 'api.example.com'",
    ],
  ])('refuses %s, naming the key', (_name, supacontrol, message) => {
    expect(() => read(supacontrol)).toThrow(message);
  });

  it('reads plan quotas whose resource names hold dots, and refuses what is not a quantity', () => {
    const config = read({
      plans: {
        big: {
          quota: { 'requests.cpu': '16', 'limits.memory': '64Gi', pods: 60 },
        },
      },
    });
    expect(config.plans[0].quota).toEqual({
      'requests.cpu': '16',
      'limits.memory': '64Gi',
      pods: '60',
    });
    expect(() =>
      read({ plans: { big: { quota: { 'requests.cpu': 'lots' } } } }),
    ).toThrow(
      "Invalid configuration at supacontrol.plans.big.quota.requests.cpu: must be a Kubernetes quantity such as '4', '500m' or '8Gi'; got 'lots'",
    );
  });

  describe('clusters', () => {
    it('reads supacontrol.kubernetes as the one cluster default', () => {
      const config = read({
        kubernetes: { kubeconfigPath: '/k', region: 'eu', maxInstances: 3 },
        ingress: { domain: 'supa.example.com', controllerNamespace: 'ingress' },
      });
      expect(config.clusters).toEqual([
        {
          name: 'default',
          region: 'eu',
          labels: {},
          connection: { type: 'kubeconfig', path: '/k', context: undefined },
          maxInstances: 3,
          enabled: true,
          ingress: expect.objectContaining({ domain: 'supa.example.com' }),
        },
      ]);
      expect(read({}).clusters).toEqual([]);
      // Without a connection (e.g. an unset SUPACONTROL_KUBECONFIG) it is no cluster.
      expect(read({ kubernetes: { inCluster: false } }).clusters).toEqual([]);
      // With one, it comes first, besides the list.
      expect(
        read({
          kubernetes: { inCluster: true },
          clusters: [{ name: 'eu-1', kubeconfigPath: '/eu' }],
        }).clusters.map(c => c.name),
      ).toEqual(['default', 'eu-1']);
    });

    it('reads a list: each cluster its own ingress domain over the shared keys', () => {
      const config = read({
        ingress: {
          domain: 'supa.example.com',
          controllerNamespace: 'ingress',
          className: 'nginx',
        },
        clusters: [
          {
            name: 'eu-1',
            region: 'eu-west',
            labels: { tier: 'prod' },
            kubeconfigPath: '/eu',
            context: 'eu',
            maxInstances: 100,
            ingress: { domain: 'eu.supa.example.com' },
          },
          { name: 'us-1', inCluster: true, enabled: false },
        ],
        plans: { small: { regions: ['eu-west'] } },
      });
      expect(config.clusters).toEqual([
        {
          name: 'eu-1',
          region: 'eu-west',
          labels: { tier: 'prod' },
          connection: { type: 'kubeconfig', path: '/eu', context: 'eu' },
          maxInstances: 100,
          enabled: true,
          ingress: {
            domain: 'eu.supa.example.com',
            controllerNamespace: 'ingress',
            className: 'nginx',
            clusterIssuer: undefined,
            controllerPodLabels: {},
          },
        },
        {
          name: 'us-1',
          region: 'default',
          labels: {},
          connection: { type: 'in-cluster' },
          maxInstances: undefined,
          enabled: false,
          ingress: expect.objectContaining({ domain: 'supa.example.com' }),
        },
      ]);
      expect(config.plans[0].regions).toEqual(['eu-west']);
    });

    it.each([
      [
        {
          kubernetes: { kubeconfigPath: '/k' },
          clusters: [{ name: 'default', kubeconfigPath: '/d' }],
        },
        "supacontrol.clusters: the name 'default' is supacontrol.kubernetes's",
      ],
      [
        { clusters: [{ name: 'Eu', kubeconfigPath: '/k' }] },
        'supacontrol.clusters[0].name: must be 1–32 lowercase letters',
      ],
      [
        { clusters: [{ name: 'eu', region: 'west-', kubeconfigPath: '/k' }] },
        'supacontrol.clusters[0].region: must be 1–32',
      ],
      [
        { clusters: [{ name: 'eu' }] },
        "supacontrol.clusters[0]: cluster 'eu' needs kubeconfigPath",
      ],
      [
        {
          clusters: [
            { name: 'eu', kubeconfigPath: '/a' },
            { name: 'eu', kubeconfigPath: '/b' },
          ],
        },
        "names must be unique; 'eu' appears twice",
      ],
      [
        { clusters: [{ name: 'eu', kubeconfigPath: '/a', maxInstances: -1 }] },
        'supacontrol.clusters[0].maxInstances: must be a whole number from 0',
      ],
      [
        {
          clusters: [
            {
              name: 'eu',
              kubeconfigPath: '/a',
              ingress: { domain: 'x.example.com' },
            },
          ],
        },
        'supacontrol.clusters[0].ingress.controllerNamespace: is required',
      ],
      [
        {
          clusters: [{ name: 'eu', region: 'eu', kubeconfigPath: '/a' }],
          plans: { small: { regions: ['us'] } },
        },
        "supacontrol.plans.small.regions: 'us' is not the region of any cluster",
      ],
    ])('refuses %j', (supacontrol, message) => {
      expect(() => read(supacontrol)).toThrow(message);
    });
  });
});
