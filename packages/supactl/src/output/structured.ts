import YAML from 'yaml';

/** The machine-readable output formats. */
export type StructuredFormat = 'json' | 'yaml';

export function isStructuredFormat(format: string): format is StructuredFormat {
  return format === 'json' || format === 'yaml';
}

/** The server's JSON as is (`-o json`), or the same data as YAML (`-o yaml`). */
export function renderStructured(
  value: unknown,
  format: StructuredFormat,
): string {
  return format === 'json'
    ? `${JSON.stringify(value, null, 2)}\n`
    : YAML.stringify(value);
}
