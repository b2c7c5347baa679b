import { ConfigReader } from '@backstage/config';
import { instanceRecord } from '../__testUtils__/instanceRecord';
import { readSupaControlConfig } from '../config/SupaControlConfig';
import { HelmClient } from '../helm/HelmClient';
import { KubernetesClient } from '../kubernetes/KubernetesClient';
import { InstanceDriver } from './InstanceDriver';

/*
 * The chart values the driver computes. values() reads only the config, so the Helm and
 * Kubernetes clients are unused stand-ins here; test/lifecycle installs these values for real.
 */
function driver(supacontrol: object) {
  const config = readSupaControlConfig(new ConfigReader({ supacontrol }));
  return {
    config,
    driver: InstanceDriver.create({
      kube: {} as KubernetesClient,
      helm: {} as HelmClient,
      config,
    }),
  };
}

describe('InstanceDriver.values', () => {
  it('passes the ingress controller namespace and the egress ranges to the chart', () => {
    const { config, driver: d } = driver({
      ingress: { domain: 'supa.example.com', controllerNamespace: 'traefik' },
      networkPolicy: {
        egress: {
          allow: [{ cidr: '0.0.0.0/0', ports: [{ port: 587 }] }],
          deny: ['10.0.0.0/8'],
        },
      },
    });
    const values = d.values(instanceRecord('orders'), config.plans[0], [
      '169.254.169.254/32',
      '10.0.0.0/8',
      '172.20.0.1/32',
    ]) as any;
    expect(values.networkPolicy).toEqual({
      ingressController: { namespace: 'traefik', podSelector: {} },
      egress: {
        allow: [{ cidr: '0.0.0.0/0', ports: [{ port: 587, protocol: 'TCP' }] }],
        deny: ['169.254.169.254/32', '10.0.0.0/8', '172.20.0.1/32'],
      },
    });
  });

  it('never lets a plan take the metadata address out of the denied ranges', () => {
    const { config, driver: d } = driver({
      plans: {
        open: {
          values: {
            networkPolicy: {
              egress: {
                allow: [{ cidr: '169.254.0.0/16', ports: [{ port: 80 }] }],
                deny: [],
              },
            },
          },
        },
      },
    });
    const values = d.values(instanceRecord('orders'), config.plans[0]) as any;
    expect(values.networkPolicy.egress).toEqual({
      allow: [{ cidr: '169.254.0.0/16', ports: [{ port: 80 }] }],
      deny: ['169.254.169.254/32'],
    });
  });

  it("sets the plan's SMTP server, and nothing about mail without one", () => {
    const { config, driver: d } = driver({
      plans: {
        small: { default: true },
        mailing: {
          smtp: {
            host: 'smtp.example.com',
            port: 2525,
            senderEmail: 'noreply@example.com',
            senderName: 'Example',
          },
        },
      },
    });
    const [small, mailing] = config.plans;
    expect((d.values(instanceRecord('a'), small) as any).auth).toBeUndefined();
    expect((d.values(instanceRecord('b'), mailing) as any).auth).toEqual({
      smtp: {
        enabled: true,
        host: 'smtp.example.com',
        port: 2525,
        adminEmail: 'noreply@example.com',
        senderName: 'Example',
      },
    });
  });
});
