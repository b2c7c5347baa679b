import readline from 'node:readline';
import { Io } from './Io';

/** Reads stdin to its end, e.g. a key piped in with `--api-key-stdin`. */
export async function readAll(stdin: Io['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks a yes/no question on stderr; anything but y/yes is a no. */
export async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = readline.createInterface({
    input: io.stdin,
    output: io.stderr as NodeJS.WritableStream,
  });
  try {
    const answer = await new Promise<string>(resolve =>
      rl.question(`${question} [y/N] `, resolve),
    );
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Asks for a secret on a terminal without echoing what is typed. */
export async function readSecret(io: Io, question: string): Promise<string> {
  const output = io.stderr as NodeJS.WritableStream;
  output.write(question);
  const rl = readline.createInterface({
    input: io.stdin,
    output,
    terminal: true,
  });
  // readline echoes through _writeToOutput; swallowing it hides the key as it is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput =
    () => {};
  try {
    return await new Promise<string>(resolve => rl.question('', resolve));
  } finally {
    rl.close();
    output.write('\n');
  }
}
