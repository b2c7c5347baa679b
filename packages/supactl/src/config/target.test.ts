import { ExitCode } from '../errors';
import { resolveTarget } from './target';
import { SupactlConfig } from './types';

const KEY_A = `sck_aaaaaaaaaaaaaaaa_${'a'.repeat(43)}`;
const KEY_B = `sck_bbbbbbbbbbbbbbbb_${'b'.repeat(43)}`;
const KEY_ENV = `sck_eeeeeeeeeeeeeeee_${'e'.repeat(43)}`;

const config: SupactlConfig = {
  currentContext: 'a',
  contexts: [
    { name: 'a', url: 'https://a.example.com', apiKey: KEY_A },
    { name: 'b', url: 'https://b.example.com', apiKey: KEY_B },
  ],
};

function failure(fn: () => unknown): { message: string; exitCode: number } {
  try {
    fn();
  } catch (error) {
    return error as { message: string; exitCode: number };
  }
  throw new Error('expected a failure');
}

describe('resolveTarget', () => {
  it('uses the current context', () => {
    expect(resolveTarget({ config, env: {} })).toEqual({
      url: 'https://a.example.com',
      apiKey: KEY_A,
      source: "context 'a'",
    });
  });

  it('uses the context named by --context', () => {
    expect(resolveTarget({ config, env: {}, contextName: 'b' }).apiKey).toBe(
      KEY_B,
    );
  });

  it('needs no config file when both variables are set', () => {
    expect(
      resolveTarget({
        config: { contexts: [] },
        env: {
          SUPACTL_URL: 'https://ci.example.com/',
          SUPACTL_API_KEY: KEY_ENV,
        },
      }),
    ).toEqual({
      url: 'https://ci.example.com',
      apiKey: KEY_ENV,
      source: 'SUPACTL_URL/SUPACTL_API_KEY',
    });
  });

  it('takes SUPACTL_API_KEY with the URL of the current context', () => {
    expect(
      resolveTarget({ config, env: { SUPACTL_API_KEY: KEY_ENV } }),
    ).toMatchObject({ url: 'https://a.example.com', apiKey: KEY_ENV });
  });

  it("sends a context's key only to that context's URL", () => {
    expect(
      resolveTarget({ config, env: { SUPACTL_URL: 'https://b.example.com' } }),
    ).toMatchObject({ url: 'https://b.example.com', apiKey: KEY_B });

    const error = failure(() =>
      resolveTarget({
        config,
        env: { SUPACTL_URL: 'https://evil.example.com' },
      }),
    );
    expect(error.message).toContain(
      'SUPACTL_URL is set but SUPACTL_API_KEY is not, and no context is logged in to https://evil.example.com',
    );
    expect(error.exitCode).toBe(ExitCode.error);
  });

  it('treats empty variables as unset', () => {
    expect(
      resolveTarget({ config, env: { SUPACTL_URL: '', SUPACTL_API_KEY: ' ' } })
        .apiKey,
    ).toBe(KEY_A);
  });

  it('refuses malformed variables as usage errors', () => {
    expect(
      failure(() =>
        resolveTarget({ config, env: { SUPACTL_URL: 'portal.example.com' } }),
      ),
    ).toMatchObject({ exitCode: ExitCode.usage });
    expect(
      failure(() =>
        resolveTarget({ config, env: { SUPACTL_API_KEY: 'not-a-key' } }),
      ),
    ).toMatchObject({
      exitCode: ExitCode.usage,
      message: expect.stringContaining(
        'SUPACTL_API_KEY: an API key looks like',
      ),
    });
  });

  it('says how to log in when there is nothing to use', () => {
    expect(
      failure(() => resolveTarget({ config: { contexts: [] }, env: {} }))
        .message,
    ).toBe(
      'not logged in: run supactl login <portal-url> --api-key-stdin, or set SUPACTL_URL and SUPACTL_API_KEY',
    );
  });
});
