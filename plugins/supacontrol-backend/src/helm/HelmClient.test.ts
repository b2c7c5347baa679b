import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HelmClient, HelmError } from './HelmClient';

/*
 * What the reconciler relies on when it loses a lease: an aborted call kills its helm process
 * with SIGKILL, which no process can ignore or outlive. The "helm" here is a script that ignores
 * SIGTERM and would otherwise run for a minute.
 */

function stubbornHelm() {
  const dir = mkdtempSync(join(tmpdir(), 'supacontrol-helm-test-'));
  const pidFile = join(dir, 'pid');
  const binary = join(dir, 'helm');
  // `exec` keeps the pid; an ignored SIGTERM stays ignored across it.
  writeFileSync(
    binary,
    `#!/bin/sh\ntrap '' TERM\necho $$ > '${pidFile}'\nexec sleep 60\n`,
  );
  chmodSync(binary, 0o755);
  return { binary, pidFile };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(probe: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 50));
  }
}

it('kills the helm process with SIGKILL when the call is aborted, and rejects with the reason', async () => {
  const { binary, pidFile } = stubbornHelm();
  const helm = HelmClient.create({ binary, timeoutMs: 60_000 });
  const controller = new AbortController();
  const call = helm.status('alpha', 'supa-alpha', {
    signal: controller.signal,
  });
  await until(
    () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '',
  );
  const pid = Number(readFileSync(pidFile, 'utf8'));
  expect(alive(pid)).toBe(true);

  const reason = new Error('lease lost');
  controller.abort(reason);
  await expect(call).rejects.toBe(reason);
  await until(() => !alive(pid));
});

it('does not start helm for a call whose signal is already aborted', async () => {
  const { binary, pidFile } = stubbornHelm();
  const helm = HelmClient.create({ binary, timeoutMs: 60_000 });
  const controller = new AbortController();
  controller.abort();
  await expect(
    helm.uninstall('alpha', 'supa-alpha', { signal: controller.signal }),
  ).rejects.toThrow(HelmError);
  await new Promise(r => setTimeout(r, 300));
  expect(existsSync(pidFile)).toBe(false);
});
