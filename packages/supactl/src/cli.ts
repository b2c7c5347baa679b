import { CommanderError } from 'commander';
import packageJson from '../package.json';
import { ApiError } from './client/errors';
import { createCommandContext } from './commands/context';
import { CliError, ExitCode } from './errors';
import { createProgram } from './program';
import { Io } from './terminal/Io';

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function describe(error: CliError): string {
  const message = oneLine(error.message);
  if (error instanceof ApiError && error.statusCode === 401) {
    return `${message} (the API key was refused: check SUPACTL_API_KEY, or log in again with supactl login)`;
  }
  return message;
}

/**
 * Runs one invocation and returns its exit code. Every failure ends here and is printed as one
 * line, `error: <message>`, on stderr.
 */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const context = createCommandContext(io, packageJson.version);
  const program = createProgram(context);
  try {
    await program.parseAsync(argv, { from: 'node' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof CliError) {
      io.stderr.write(`error: ${describe(error)}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `error: ${oneLine(String((error as Error)?.message ?? error))}\n`,
    );
    if (io.env.SUPACTL_DEBUG) {
      io.stderr.write(`${(error as Error)?.stack}\n`);
    }
    return ExitCode.error;
  }
}
