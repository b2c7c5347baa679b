import { InstanceCredentials } from '@supacontrol/plugin-supacontrol-common';

// Characters that never need quoting in POSIX shells (the set Python's shlex.quote leaves alone).
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes a value for a POSIX shell; values made only of safe characters stay as they are. */
export function shellQuote(value: string): string {
  if (SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/**
 * `-o env`: the variables Supabase clients and migration tools read, one `NAME=value` line each,
 * shell-quoted, for `eval "$(…)"` or a dotenv file.
 */
export function renderCredentialsEnv(credentials: InstanceCredentials): string {
  const variables: [string, string][] = [
    ['SUPABASE_URL', credentials.apiUrl],
    ['SUPABASE_ANON_KEY', credentials.anonKey],
    ['SUPABASE_SERVICE_ROLE_KEY', credentials.serviceRoleKey],
    ['DATABASE_URL', credentials.postgresUrl],
  ];
  return variables
    .map(([name, value]) => `${name}=${shellQuote(value ?? '')}\n`)
    .join('');
}
