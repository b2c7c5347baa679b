/*
 * Runs the helm binary against charts/supabase for the chart tests, and gives typed access to
 * the objects it renders.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { testHelmPath } from '../src/testBed';

export const CHART_DIR = path.resolve(__dirname, '../../charts/supabase');

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Values = Record<string, unknown>;

/**
 * Runs helm with an argument array (no shell). Values go through a 0600 file in a private
 * temporary directory that is removed afterwards.
 */
export async function runHelm(
  args: string[],
  options: { values?: Values; timeoutMs?: number } = {},
): Promise<HelmResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'supacontrol-chart-'));
  try {
    const fullArgs = [...args];
    if (options.values) {
      const file = path.join(dir, 'values.json');
      await writeFile(file, JSON.stringify(options.values), { mode: 0o600 });
      fullArgs.push('--values', file);
    }
    const timeoutMs = options.timeoutMs ?? 120_000;
    return await new Promise<HelmResult>(resolve => {
      execFile(
        testHelmPath(),
        fullArgs,
        {
          timeout: timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir },
        },
        (error, stdout, stderr) => {
          let code = 0;
          let message = String(stderr);
          if (error) {
            code = typeof error.code === 'number' ? error.code : -1;
            if (error.killed) {
              message += `\nhelm ${args[0]} was stopped after ${timeoutMs} ms`;
            }
          }
          resolve({ code, stdout: String(stdout), stderr: message });
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  data?: Record<string, string>;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  securityContext?: any;
  resources?: any;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
}

export interface Rendered {
  /** helm's output as text, for searching. */
  text: string;
  objects: K8sObject[];
}

export const RELEASE = 't1';
export const NAMESPACE = 'supa-t1';
export const CHART_SECRET = 't1-secrets';

/** Everything optional switched on. */
export const FULL_VALUES: Values = {
  secretName: CHART_SECRET,
  secretRevision: '7',
  functions: { enabled: true },
  auth: {
    smtp: {
      enabled: true,
      host: 'smtp.example.com',
      adminEmail: 'admin@example.com',
    },
  },
  ingress: {
    enabled: true,
    className: 'nginx',
    hosts: { api: 't1-api.example.com', studio: 't1-studio.example.com' },
    tls: { enabled: true, certManager: { clusterIssuer: 'letsencrypt-prod' } },
  },
  networkPolicy: { ingressController: { namespace: 'ingress-nginx' } },
};

/** `helm template`; throws with helm's message when rendering fails. */
export async function render(
  values: Values,
  release = RELEASE,
  namespace = NAMESPACE,
): Promise<Rendered> {
  const result = await runHelm(
    ['template', release, CHART_DIR, '--namespace', namespace],
    { values },
  );
  if (result.code !== 0) {
    throw new Error(`helm template failed (${result.code}): ${result.stderr}`);
  }
  return { text: result.stdout, objects: parseObjects(result.stdout) };
}

/** `helm template` that must fail; returns helm's error output. */
export async function renderFailure(values: Values): Promise<string> {
  const result = await runHelm(
    ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE],
    { values },
  );
  if (result.code === 0) {
    throw new Error('helm template succeeded but was expected to fail');
  }
  return result.stderr;
}

export function parseObjects(manifests: string): K8sObject[] {
  return parseAllDocuments(manifests)
    .map(doc => {
      if (doc.errors.length > 0) {
        throw new Error(`helm rendered invalid YAML: ${doc.errors[0].message}`);
      }
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet'];

export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter(o => WORKLOAD_KINDS.includes(o.kind));
}

/** Every container of a workload, init containers included. */
export function containersOf(workload: K8sObject): Container[] {
  const pod = workload.spec.template.spec;
  return [...(pod.initContainers ?? []), ...pod.containers];
}

export function find(
  objects: K8sObject[],
  kind: string,
  name: string,
): K8sObject {
  const found = objects.find(o => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const names = objects.map(o => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} among ${names}`);
  }
  return found;
}

export function countKinds(objects: K8sObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) {
    counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  }
  return counts;
}
