import { CliError } from '../errors';
import { Context, SupactlConfig } from './types';

/** Adds a context or replaces the one with the same name, and makes it current. */
export function withContext(
  config: SupactlConfig,
  context: Context,
): SupactlConfig {
  const others = config.contexts.filter(c => c.name !== context.name);
  return {
    currentContext: context.name,
    contexts: [...others, context].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export function findContext(config: SupactlConfig, name: string): Context {
  const context = config.contexts.find(c => c.name === name);
  if (!context) {
    const known = config.contexts.map(c => `'${c.name}'`).join(', ');
    throw new CliError(
      `no context named '${name}'; ${
        known ? `known contexts: ${known}` : 'log in first with supactl login'
      }`,
    );
  }
  return context;
}

export function withCurrentContext(
  config: SupactlConfig,
  name: string,
): SupactlConfig {
  findContext(config, name);
  return { ...config, currentContext: name };
}

/** Removes a context; removing the current one leaves no current context. */
export function withoutContext(
  config: SupactlConfig,
  name: string,
): SupactlConfig {
  findContext(config, name);
  return {
    currentContext:
      config.currentContext === name ? undefined : config.currentContext,
    contexts: config.contexts.filter(c => c.name !== name),
  };
}
