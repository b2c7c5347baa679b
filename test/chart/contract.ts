/*
 * charts/supabase/images.yaml, the contract of each pinned image, and the check of one rendered
 * container against it. The chart tests call `disagreements` on every container of a render.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, Container, K8sObject } from './helm';

interface Fact<T> {
  value: T;
  source: string;
}

type Port = number | { port: number; env?: string; default?: boolean };
type Health = { httpGet: string } | { exec: string } | { tcp: true };
interface Rule {
  when: { unset?: string };
  require?: Record<string, string>;
  forbid?: string[];
}

export interface ImageContract {
  tag: string;
  read: string;
  entrypoint: Fact<string[]> & {
    needs: { runAsRoot?: boolean; capabilities?: string[] };
  };
  executables: Fact<string[]>;
  runAs: Fact<Array<'image' | number>>;
  capabilities: Fact<string[]>;
  ports: Fact<Port[]>;
  health: Fact<Health[]>;
  env: Fact<string[]>;
  rules?: Fact<Rule[]>;
}

export const CONTRACT_FILE = path.join(CHART_DIR, 'images.yaml');

export function readContract(): Record<string, ImageContract> {
  return parse(readFileSync(CONTRACT_FILE, 'utf8')).images;
}

/** The pod fields the checks read. */
interface Pod {
  securityContext?: any;
  volumes?: any[];
}

/** A script's lines without its comments. */
export function codeOfScript(script: string): string {
  return script
    .split('\n')
    .filter(line => !/^\s*#/.test(line))
    .join('\n');
}

/** Programs a script from one of the chart's ConfigMaps runs: `exec /x` and lines starting `/x`. */
export function programsOfScript(script: string): string[] {
  return [
    ...codeOfScript(script).matchAll(/^\s*(?:exec\s+)?(\/[^\s"';|&]+)/gm),
  ].map(m => m[1]);
}

/** The chart's scripts a container runs, by ConfigMap mount: `/etc/x/start.sh` → its text. */
function scriptsOf(
  container: Container & { volumeMounts?: any[]; command?: string[] },
  pod: Pod,
  objects: K8sObject[],
): string[] {
  const scripts: string[] = [];
  for (const arg of container.command ?? []) {
    for (const mount of container.volumeMounts ?? []) {
      if (!arg.startsWith(`${mount.mountPath}/`)) continue;
      const volume = pod.volumes?.find(v => v.name === mount.name);
      const configMap = objects.find(
        o =>
          o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name,
      );
      const text = configMap?.data?.[arg.slice(mount.mountPath.length + 1)];
      if (text) scripts.push(text);
    }
  }
  return scripts;
}

function probeDisagreement(
  probe: any,
  health: Health[],
  executables: string[],
): string | undefined {
  if (!probe) return 'has no probe';
  if (probe.httpGet) {
    return health.some(h => 'httpGet' in h && h.httpGet === probe.httpGet.path)
      ? undefined
      : `probes HTTP ${probe.httpGet.path}, which the image does not serve`;
  }
  if (probe.exec) {
    const program = probe.exec.command[0];
    return health.some(h => 'exec' in h && h.exec === program) &&
      executables.includes(program)
      ? undefined
      : `probes by running ${program}, which is no health check of the image`;
  }
  if (probe.tcpSocket) {
    return health.some(h => 'tcp' in h)
      ? undefined
      : 'probes a TCP port, but the image has an HTTP health endpoint to use';
  }
  return 'has a probe of an unknown kind';
}

/**
 * Every way `container` (of `workload`) disagrees with the image contract, as sentences naming
 * the container; empty when it agrees.
 */
export function disagreements(
  workload: K8sObject,
  container: Container & {
    command?: string[];
    args?: string[];
    ports?: { containerPort: number }[];
    volumeMounts?: any[];
    readinessProbe?: any;
    livenessProbe?: any;
  },
  objects: K8sObject[],
  contracts: Record<string, ImageContract>,
  options: { init: boolean },
): string[] {
  const where = `${workload.metadata.name}/${container.name}`;
  const [repository, tag] = container.image.split(':');
  const contract = contracts[repository];
  if (!contract) {
    return [
      `${where}: no contract for ${repository} in charts/supabase/images.yaml`,
    ];
  }
  if (contract.tag !== tag) {
    return [
      `${where}: runs ${container.image}, but the contract was checked for ${repository}:${contract.tag}; re-read the image's upstream files and update its entry`,
    ];
  }
  const problems: string[] = [];
  const pod: Pod = workload.spec.template.spec;
  const security = {
    ...(pod.securityContext ?? {}),
    ...(container.securityContext ?? {}),
  };
  const uid: number | 'image' = security.runAsUser ?? 'image';
  const added: string[] = container.securityContext?.capabilities?.add ?? [];
  const dropsAll = (
    container.securityContext?.capabilities?.drop ?? []
  ).includes('ALL');
  const executables = contract.executables.value;

  if (container.command) {
    const programs = [
      container.command[0],
      // tini and shells run their arguments: the first of those is a program too
      ...(['/usr/bin/tini'].includes(container.command[0])
        ? [container.command[container.command.indexOf('--') + 1]]
        : []),
      ...scriptsOf(container, pod, objects).flatMap(programsOfScript),
    ];
    for (const program of programs) {
      if (!executables.includes(program)) {
        problems.push(
          `${where}: runs ${program}, which the image does not have (it has ${executables.join(
            ', ',
          )})`,
        );
      }
    }
  } else {
    const needs = contract.entrypoint.needs;
    if (needs.runAsRoot && uid !== 'image' && uid !== 0) {
      problems.push(
        `${where}: keeps the image's entrypoint ${contract.entrypoint.value.join(
          ' ',
        )}, which must start as root, but runs as uid ${uid}`,
      );
    }
    for (const capability of needs.capabilities ?? []) {
      if (dropsAll && !added.includes(capability)) {
        problems.push(
          `${where}: keeps the image's entrypoint ${contract.entrypoint.value.join(
            ' ',
          )}, which needs ${capability}, but drops it`,
        );
      }
    }
  }

  if (!contract.runAs.value.includes(uid)) {
    problems.push(
      `${where}: runs as uid ${uid}; the image runs as ${contract.runAs.value.join(
        ' or ',
      )}`,
    );
  }
  for (const capability of contract.capabilities.value) {
    if (dropsAll && !added.includes(capability) && !options.init) {
      problems.push(`${where}: drops ${capability}, which the image needs`);
    }
  }

  const env = new Map((container.env ?? []).map(e => [e.name, e]));
  const ports = contract.ports.value.map(p =>
    typeof p === 'number' ? { port: p } : p,
  );
  for (const { containerPort } of container.ports ?? []) {
    const port = ports.find(p => p.port === containerPort);
    if (!port) {
      problems.push(
        `${where}: declares port ${containerPort}; the image listens on ${ports
          .map(p => p.port)
          .join(', ')}`,
      );
    } else if (
      port.env &&
      (env.has(port.env) || !port.default) &&
      !(env.get(port.env)?.value ?? '').endsWith(String(port.port))
    ) {
      problems.push(
        `${where}: declares port ${containerPort} but does not set ${port.env} to it`,
      );
    }
  }

  if (!options.init) {
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      const problem = probeDisagreement(
        probe,
        contract.health.value,
        executables,
      );
      if (problem) problems.push(`${where}: ${problem}`);
    }
    for (const name of contract.env.value) {
      if (!env.has(name)) {
        problems.push(`${where}: does not set ${name}, which the image needs`);
      }
    }
  }

  for (const rule of options.init ? [] : contract.rules?.value ?? []) {
    if (rule.when.unset && env.get(rule.when.unset)) continue;
    for (const [name, value] of Object.entries(rule.require ?? {})) {
      if (env.get(name)?.value !== value) {
        problems.push(
          `${where}: ${
            rule.when.unset ? `without ${rule.when.unset}, ` : ''
          }${name} must be ${value} (${contract.rules!.source})`,
        );
      }
    }
    for (const name of rule.forbid ?? []) {
      if (env.has(name)) {
        problems.push(
          `${where}: sets ${name}, which this image does not read (${
            contract.rules!.source
          })`,
        );
      }
    }
  }
  return problems;
}
