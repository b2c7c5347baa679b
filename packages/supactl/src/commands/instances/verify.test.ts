import { verifyInstance } from '@supacontrol/plugin-supacontrol-common';
import {
  startSupabaseStandIn,
  SupabaseStandIn,
  StandInOptions,
} from '../../__testUtils__/supabaseStandIn';
import { renderVerifyResult } from './verify';

/*
 * The checks of `instances verify` against a STAND-IN for an instance (a local server that
 * answers as Kong and each Supabase service do; see supabaseStandIn.ts): no container runs on our
 * test cluster, so this is where the checks' HTTP and WebSocket logic is tested.
 */

const keys = {
  anonKey: 'anon-key-of-the-instance',
  serviceRoleKey: 'service-role-key-of-the-instance',
  dashboard: { username: 'supabase', password: 'dashboard-password' },
};

let standIn: SupabaseStandIn | undefined;
afterEach(() => standIn?.close());

async function verifyAgainst(broken?: StandInOptions['broken']) {
  standIn = await startSupabaseStandIn({ ...keys, broken });
  return verifyInstance(
    { ...keys, apiUrl: standIn.url, studioUrl: standIn.url },
    { runId: 'run1', timeoutMs: 5_000 },
  );
}

describe('verifyInstance', () => {
  it('passes every service of a working instance, and cleans up after itself', async () => {
    const result = await verifyAgainst();

    expect(result.ok).toBe(true);
    expect(result.checks.map(c => [c.service, c.ok, c.error])).toEqual([
      ['auth', true, undefined],
      ['auth-signup', true, undefined],
      ['rest', true, undefined],
      ['storage', true, undefined],
      ['realtime', true, undefined],
      ['studio', true, undefined],
    ]);
    for (const check of result.checks) {
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(standIn!.requests).toEqual(
      expect.arrayContaining([
        'DELETE /auth/v1/admin/users/user-1',
        'POST /pg/query',
        'DELETE /storage/v1/object/supacontrol-verify-run1',
        'DELETE /storage/v1/bucket/supacontrol-verify-run1',
        'WS /realtime/v1/websocket',
      ]),
    );
  });

  it.each([
    ['storage', 'create a bucket: answered 500, expected 200'],
    ['rest', 'create the table: answered 500, expected 200'],
    ['auth', 'auth health: answered 500, expected 200'],
    ['realtime', 'join a channel: connection failed'],
    ['studio', 'open Studio without the login: answered 500, expected 401'],
  ] as const)(
    'reports a broken %s with the failed step, and passes the rest',
    async (service, error) => {
      const result = await verifyAgainst(service);

      expect(result.ok).toBe(false);
      const failed = result.checks.filter(c => !c.ok);
      expect(failed.map(c => c.service)).toEqual(
        service === 'auth' ? ['auth', 'auth-signup'] : [service],
      );
      expect(failed[0].error).toContain(error);
    },
  );

  it('names the reason when nothing answers', async () => {
    // A port that was just free: nothing listens there.
    const closed = await startSupabaseStandIn(keys);
    await closed.close();
    const result = await verifyInstance(
      { ...keys, apiUrl: closed.url, studioUrl: closed.url },
      { runId: 'run2', timeoutMs: 2_000 },
    );
    expect(result.ok).toBe(false);
    expect(result.checks[0].error).toMatch(/^auth health: .*ECONNREFUSED/);
  });
});

describe('renderVerifyResult', () => {
  it('prints one line per service with its result, latency and why it failed', () => {
    expect(
      renderVerifyResult({
        ok: false,
        checks: [
          {
            service: 'auth',
            description: 'GET /auth/v1/health',
            ok: true,
            latencyMs: 12,
          },
          {
            service: 'storage',
            description: 'create a bucket, upload, download and delete a file',
            ok: false,
            latencyMs: 340,
            error: 'create a bucket: answered 500, expected 200: {}',
          },
        ],
      }),
    ).toBe(
      'SERVICE   RESULT   LATENCY   CHECK\n' +
        'auth      PASS     12 ms     GET /auth/v1/health\n' +
        'storage   FAIL     340 ms    create a bucket, upload, download and delete a file: create a bucket: answered 500, expected 200: {}\n',
    );
  });
});
