/**
 * A parsed value, or why the input was refused. Parsers return it rather than throw, so that
 * command-line arguments and environment variables can report the same problem in their own way.
 */
export type Parsed<T> = { value: T } | { error: string };
