/**
 * Exit codes of supactl, documented in the README. Scripts branch on them, so they never change
 * meaning.
 */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  timeout: 5,
  verifyFailed: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is shown to the user as one line, and which decides the exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue = ExitCode.error) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A bad argument, option or environment value; nothing was sent to the server. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** Waiting for a state took longer than allowed. */
export class TimeoutError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.timeout);
    this.name = 'TimeoutError';
  }
}
