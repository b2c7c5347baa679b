import { CliError, ExitCode, ExitCodeValue } from '../errors';

function exitCodeForStatus(statusCode: number): ExitCodeValue {
  switch (statusCode) {
    case 400:
    case 413:
      // The server refused the input (an unknown plan, say): the invocation was wrong.
      return ExitCode.usage;
    case 404:
      return ExitCode.notFound;
    case 409:
      return ExitCode.conflict;
    default:
      return ExitCode.error;
  }
}

/** The server answered with an error status; `message` is the server's own message. */
export class ApiError extends CliError {
  readonly statusCode: number;
  /** The Backstage error class name (`NotFoundError`, …), when the body was Backstage error JSON. */
  readonly errorName?: string;

  constructor(options: {
    statusCode: number;
    message: string;
    errorName?: string;
  }) {
    super(options.message, exitCodeForStatus(options.statusCode));
    this.name = 'ApiError';
    this.statusCode = options.statusCode;
    this.errorName = options.errorName;
  }
}

/** No answer at all: refused connection, unknown host, TLS failure. */
export class ConnectionError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.error);
    this.name = 'ConnectionError';
  }
}

/** The server accepted the connection but did not answer in time. */
export class RequestTimeoutError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.timeout);
    this.name = 'RequestTimeoutError';
  }
}
