import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { HOST_ENV, REPO_ROOT, run } from '../production/installedBackend';

/** What an adopter installs, by the folder it is built from. */
export const PUBLISHED = [
  'plugins/supacontrol-common',
  'plugins/supacontrol-backend',
  'plugins/supacontrol',
  'plugins/scaffolder-backend-module-supacontrol',
  'plugins/catalog-backend-module-supacontrol',
  'packages/supactl',
];

/** The tarball of each published package, by package name. */
export type Tarballs = Record<string, { file: string; bytes: number }>;

const INDEX = 'tarballs.json';

/** `yarn <args>` in `cwd`; a failure says what it printed. */
export async function yarn(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
) {
  try {
    return await run('yarn', args, {
      cwd,
      env: { ...HOST_ENV, ...env },
      maxBuffer: 256 * 2 ** 20,
    });
  } catch (error: any) {
    throw new Error(
      `yarn ${args.join(' ')} in ${cwd} failed:\n${String(error.stdout).slice(
        -4000,
      )}\n${String(error.stderr).slice(-4000)}`,
    );
  }
}

/**
 * Builds and packs every published package (`backstage-cli package build`, `yarn pack`) into
 * `dir`, and writes the index `tarballs.json` there. Packing rewrites each package.json in the
 * working tree for a moment (Backstage's prepack), which breaks any process loading the workspace
 * then: the test command runs this before jest (`SUPACONTROL_TEST_PACKS_DIR`), never beside it.
 */
export async function packPublished(dir: string): Promise<Tarballs> {
  mkdirSync(dir, { recursive: true });
  const tarballs: Tarballs = {};
  for (const pkg of PUBLISHED) {
    const name = JSON.parse(
      readFileSync(join(REPO_ROOT, pkg, 'package.json'), 'utf8'),
    ).name as string;
    await yarn(join(REPO_ROOT, pkg), ['backstage-cli', 'package', 'build']);
    const before = new Set(readdirSync(dir));
    await yarn(join(REPO_ROOT, pkg), ['pack', '--out', `${dir}/%s-%v.tgz`]);
    const [file] = readdirSync(dir).filter(f => !before.has(f));
    tarballs[name] = {
      file: join(dir, file),
      bytes: statSync(join(dir, file)).size,
    };
  }
  writeFileSync(join(dir, INDEX), JSON.stringify(tarballs, null, 2));
  return tarballs;
}

/** The tarballs packed earlier into `dir` by {@link packPublished}. */
export function packedTarballs(dir: string): Tarballs {
  return JSON.parse(readFileSync(join(dir, INDEX), 'utf8'));
}

// `node --require …/nodeTransform.cjs test/adopter/packPublished.ts <dir>`: scripts/test.
if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: packPublished.ts <dir>\n');
    process.exit(2);
  }
  packPublished(resolve(dir)).then(
    tarballs => {
      for (const [name, t] of Object.entries(tarballs)) {
        process.stdout.write(`${name}: ${t.bytes} bytes\n`);
      }
    },
    error => {
      process.stderr.write(
        `${error instanceof Error ? error.message : error}\n`,
      );
      process.exit(1);
    },
  );
}
