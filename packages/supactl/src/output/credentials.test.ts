import { execFileSync } from 'node:child_process';
import { renderCredentialsEnv, shellQuote } from './credentials';

const credentials = {
  apiUrl: 'https://pr-123.supabase.example.com',
  studioUrl: 'https://pr-123-studio.supabase.example.com',
  anonKey: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJl',
  serviceRoleKey:
    'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJl',
  postgresUrl:
    'postgresql://postgres:p%40ss@pr-123-db.supa-pr-123.svc:5432/postgres?sslmode=require&x=1',
  dashboard: { username: 'supabase', password: 'secret' },
};

describe('renderCredentialsEnv', () => {
  it('prints the four variables, quoting only values that need it', () => {
    expect(renderCredentialsEnv(credentials)).toBe(
      [
        'SUPABASE_URL=https://pr-123.supabase.example.com',
        `SUPABASE_ANON_KEY=${credentials.anonKey}`,
        `SUPABASE_SERVICE_ROLE_KEY=${credentials.serviceRoleKey}`,
        "DATABASE_URL='postgresql://postgres:p%40ss@pr-123-db.supa-pr-123.svc:5432/postgres?sslmode=require&x=1'",
        '',
      ].join('\n'),
    );
  });

  it('survives eval in a real shell, whatever the values contain', () => {
    const tricky = {
      ...credentials,
      apiUrl: 'https://x.example.com/it\'s $(touch pwned) `id` "q"',
      anonKey: '',
      postgresUrl: 'postgresql://u:a b\nc@h/db',
    };
    const script =
      'eval "$(cat)"; printf "%s|%s|%s|%s" "$SUPABASE_URL" "$SUPABASE_ANON_KEY" "$SUPABASE_SERVICE_ROLE_KEY" "$DATABASE_URL"';
    const output = execFileSync('sh', ['-c', script], {
      input: renderCredentialsEnv(tricky),
      encoding: 'utf8',
    });

    expect(output).toBe(
      [tricky.apiUrl, '', credentials.serviceRoleKey, tricky.postgresUrl].join(
        '|',
      ),
    );
  });
});

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", `'it'"'"'s'`],
    ['$HOME', "'$HOME'"],
  ])('quotes %j as %s', (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });
});
