import { Command } from 'commander';
import { SupaControlClient } from '../client/SupaControlClient';
import { ConfigFile } from '../config/ConfigFile';
import { configFilePath } from '../config/configPath';
import { resolveTarget, Target } from '../config/target';
import { Io } from '../terminal/Io';

/** The options every command accepts, declared on the root command. */
export interface GlobalOptions {
  context?: string;
  requestTimeout: number;
}

/** What commands share: the streams, the config file, and a way to reach the API. */
export interface CommandContext {
  io: Io;
  version: string;
  configFile: ConfigFile;
  /** How often waits poll the instance. */
  pollIntervalMs: number;
  now(): Date;
  warn(message: string): void;
  /** The client for the context (or environment) the command runs against. */
  connect(
    command: Command,
  ): Promise<{ client: SupaControlClient; target: Target }>;
  /** A client for a URL and key that are not stored yet (login). */
  clientFor(command: Command, url: string, apiKey: string): SupaControlClient;
}

export function createCommandContext(io: Io, version: string): CommandContext {
  const warn = (message: string) => io.stderr.write(`warning: ${message}\n`);
  const configFile = ConfigFile.at(configFilePath(io.env), { warn });
  const clientFor = (command: Command, url: string, apiKey: string) =>
    SupaControlClient.create({
      portalUrl: url,
      apiKey,
      requestTimeoutMs: (command.optsWithGlobals() as GlobalOptions)
        .requestTimeout,
      userAgent: `supactl/${version}`,
    });
  return {
    io,
    version,
    configFile,
    pollIntervalMs: 2000,
    now: () => new Date(),
    warn,
    clientFor,
    async connect(command) {
      const target = resolveTarget({
        config: await configFile.read(),
        env: io.env,
        contextName: (command.optsWithGlobals() as GlobalOptions).context,
      });
      return { client: clientFor(command, target.url, target.apiKey), target };
    },
  };
}
