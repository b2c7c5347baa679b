/**
 * supactl, the command-line client of SupaControl.
 *
 * @packageDocumentation
 */

import { runCli } from './cli';
import { processIo } from './terminal/Io';

// `supactl … | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Leave the terminal tidy when a wait is interrupted: end the spinner's line.
process.once('SIGINT', () => {
  if (process.stdout.isTTY) process.stdout.write('\n');
  process.exit(130);
});

runCli(process.argv, processIo()).then(code => {
  process.exitCode = code;
});
