/** A stream the CLI writes to; `isTTY` and `columns` decide between spinner and plain lines. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * The process's streams and environment, passed into every command rather than read from
 * `process`, so that commands have one way in and out.
 */
export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  };
}

/** Whether questions can be asked: someone types on stdin and reads stderr. */
export function isInteractive(io: Io): boolean {
  return Boolean(io.stdin.isTTY && io.stderr.isTTY);
}
