import { ConfigReader } from '@backstage/config';
import { assertNoGuestWithPostgres } from './guestSignIn';

const guest = { providers: { guest: {} } };
const github = {
  providers: { github: { production: { clientId: 'id', clientSecret: 's' } } },
};
const pg = { database: { client: 'pg', connection: { host: 'db' } } };
const sqlite = {
  database: { client: 'better-sqlite3', connection: ':memory:' },
};

const check = (config: object) => () =>
  assertNoGuestWithPostgres(new ConfigReader(config));

describe('assertNoGuestWithPostgres', () => {
  it('refuses guest sign-in on PostgreSQL and names the key and the fixes', () => {
    expect(check({ auth: guest, backend: pg })).toThrow(
      /auth\.providers\.guest.*configure a real sign-in provider.*supacontrol\.allowGuestSignIn: true/s,
    );
  });

  it('refuses guest sign-in next to a real provider too', () => {
    const both = {
      providers: { ...guest.providers, ...github.providers },
    };
    expect(check({ auth: both, backend: pg })).toThrow(
      /auth\.providers\.guest/,
    );
  });

  it('allows guest sign-in on PostgreSQL when supacontrol.allowGuestSignIn is true', () => {
    expect(
      check({
        auth: guest,
        backend: pg,
        supacontrol: { allowGuestSignIn: true },
      }),
    ).not.toThrow();
  });

  it('still refuses when supacontrol.allowGuestSignIn is false', () => {
    expect(
      check({
        auth: guest,
        backend: pg,
        supacontrol: { allowGuestSignIn: false },
      }),
    ).toThrow(/auth\.providers\.guest/);
  });

  it('allows guest sign-in on SQLite, the local development database', () => {
    expect(check({ auth: guest, backend: sqlite })).not.toThrow();
  });

  it('allows a real provider on PostgreSQL', () => {
    expect(check({ auth: github, backend: pg })).not.toThrow();
  });

  it('allows a configuration without auth or database settings', () => {
    expect(check({})).not.toThrow();
  });
});
