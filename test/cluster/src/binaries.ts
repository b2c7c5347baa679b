import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const clusterBinaries = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
] as const;

export interface ResolveBinDirOptions {
  binDir?: string;
  /** test/cluster/build.sh; found from the working directory when omitted. */
  buildScript?: string;
  /** Binaries that must be present. */
  need: readonly string[];
}

/** Walks up from `start` to the repository that holds test/cluster/build.sh. */
export function findBuildScript(start = process.cwd()): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'cluster', 'build.sh');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function missing(binDir: string, need: readonly string[]): string[] {
  return need.filter(name => {
    try {
      accessSync(join(binDir, name), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * The directory with the test-bed binaries: the given one, else
 * SUPACONTROL_TEST_BIN_DIR, else what build.sh prints (building what is
 * missing, which takes minutes the first time).
 */
export async function resolveBinDir(
  options: ResolveBinDirOptions,
): Promise<string> {
  const given = options.binDir ?? process.env.SUPACONTROL_TEST_BIN_DIR;
  if (given) {
    const absent = missing(given, options.need);
    if (absent.length)
      throw new Error(
        `${given} lacks ${absent.join(', ')}; run test/cluster/build.sh`,
      );
    return given;
  }
  const script = options.buildScript ?? findBuildScript();
  if (!script) {
    throw new Error(
      'cannot find test/cluster/build.sh from the working directory; set SUPACONTROL_TEST_BIN_DIR',
    );
  }
  const binDir = await runBuild(script);
  const absent = missing(binDir, options.need);
  if (absent.length)
    throw new Error(
      `build.sh finished but ${binDir} lacks ${absent.join(', ')}`,
    );
  return binDir;
}

function runBuild(script: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', code => {
      const last = out.trimEnd().split('\n').pop() ?? '';
      if (code === 0 && last) resolvePromise(last);
      else reject(new Error(`${script} failed with exit code ${code}`));
    });
  });
}
