import { API_KEY_PREFIX } from '@supacontrol/plugin-supacontrol-common';
import { parsePortalUrl } from '../args/portalUrl';
import { CliError, UsageError } from '../errors';
import { findContext } from './contexts';
import { SupactlConfig } from './types';

/** Where requests go and with which key, and where that came from (for messages). */
export interface Target {
  url: string;
  apiKey: string;
  /** `context 'name'`, `SUPACTL_URL/SUPACTL_API_KEY`, … */
  source: string;
}

const LOGIN_HINT =
  'run supactl login <portal-url> --api-key-stdin, or set SUPACTL_URL and SUPACTL_API_KEY';

/** Checks the shape of a key; the server checks the rest. */
export function apiKeyProblem(key: string): string | undefined {
  if (!key.startsWith(API_KEY_PREFIX) || /\s/.test(key)) {
    return `an API key looks like ${API_KEY_PREFIX}<id>_<secret>, as created under SupaControl settings in the portal`;
  }
  return undefined;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Picks the portal and key for a command. SUPACTL_URL and SUPACTL_API_KEY override the file (for
 * CI); `--context` picks a context other than the current one. A context's key is only ever sent
 * to that context's URL.
 */
export function resolveTarget(options: {
  config: SupactlConfig;
  env: NodeJS.ProcessEnv;
  contextName?: string;
}): Target {
  const { config, env } = options;
  const envKey = fromEnv(env, 'SUPACTL_API_KEY');
  const envUrlText = fromEnv(env, 'SUPACTL_URL');
  let envUrl: string | undefined;
  if (envUrlText !== undefined) {
    const parsed = parsePortalUrl(envUrlText);
    if ('error' in parsed) {
      throw new UsageError(`SUPACTL_URL: ${parsed.error}`);
    }
    envUrl = parsed.value;
  }
  if (envKey !== undefined) {
    const problem = apiKeyProblem(envKey);
    if (problem) {
      throw new UsageError(`SUPACTL_API_KEY: ${problem}`);
    }
  }

  if (envUrl !== undefined && envKey !== undefined) {
    return {
      url: envUrl,
      apiKey: envKey,
      source: 'SUPACTL_URL/SUPACTL_API_KEY',
    };
  }

  const contextName = options.contextName ?? config.currentContext;
  const context =
    contextName !== undefined ? findContext(config, contextName) : undefined;
  if (envUrl !== undefined) {
    const match =
      context?.url === envUrl
        ? context
        : config.contexts.find(c => c.url === envUrl);
    if (!match) {
      throw new CliError(
        `SUPACTL_URL is set but SUPACTL_API_KEY is not, and no context is logged in to ${envUrl}; set SUPACTL_API_KEY too, or run supactl login ${envUrl} --api-key-stdin`,
      );
    }
    return {
      url: envUrl,
      apiKey: match.apiKey,
      source: `SUPACTL_URL with the key of context '${match.name}'`,
    };
  }
  if (!context) {
    throw new CliError(`not logged in: ${LOGIN_HINT}`);
  }
  if (envKey !== undefined) {
    return {
      url: context.url,
      apiKey: envKey,
      source: `context '${context.name}' with SUPACTL_API_KEY`,
    };
  }
  return {
    url: context.url,
    apiKey: context.apiKey,
    source: `context '${context.name}'`,
  };
}
