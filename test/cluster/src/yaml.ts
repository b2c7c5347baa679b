// A reader for the block-style YAML that kubectl, kind and friends write for
// kubeconfig files: nested mappings, "- " sequences (also at the parent's
// indent), plain and quoted scalars, comments, empty flow collections, and
// JSON. Enough to find a cluster's server and credentials without a YAML
// dependency; anything fancier (anchors, block scalars, flow maps with
// content) is rejected with a message rather than misread.

interface Line {
  indent: number;
  text: string;
  number: number;
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (
      c === '#' &&
      (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')
    ) {
      return line.slice(0, i);
    }
  }
  return line;
}

class Parser {
  readonly #lines: Line[];
  #pos = 0;

  constructor(lines: Line[]) {
    this.#lines = lines;
  }

  expectEnd(): void {
    const line = this.#lines[this.#pos];
    if (line) throw this.#error(line, 'unexpected content');
  }

  block(indent: number): unknown {
    const line = this.#lines[this.#pos];
    if (!line || line.indent < indent) return null;
    return isSequenceItem(line.text)
      ? this.#sequence(line.indent)
      : this.#mapping(line.indent);
  }

  #sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      const line = this.#lines[this.#pos];
      if (!line || line.indent !== indent || !isSequenceItem(line.text))
        return items;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        this.#pos++;
        items.push(this.block(indent + 1));
      } else if (isMappingEntry(rest)) {
        // "- key: value": the item is a mapping whose keys align with "key".
        const inner = indent + (line.text.length - rest.length);
        this.#lines[this.#pos] = { ...line, indent: inner, text: rest };
        items.push(this.#mapping(inner));
      } else {
        this.#pos++;
        items.push(scalar(rest, line, this));
      }
    }
  }

  #mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (;;) {
      const line = this.#lines[this.#pos];
      if (!line || line.indent < indent) return map;
      if (line.indent > indent)
        throw this.#error(line, 'unexpected indentation');
      if (isSequenceItem(line.text)) return map;
      const colon = findMappingColon(line.text);
      if (colon < 0) throw this.#error(line, 'expected "key: value"');
      const key = unquote(line.text.slice(0, colon).trim(), line, this);
      const rest = line.text.slice(colon + 1).trim();
      this.#pos++;
      if (rest !== '') {
        map[key] = scalar(rest, line, this);
        continue;
      }
      const next = this.#lines[this.#pos];
      if (next && next.indent > indent) map[key] = this.block(next.indent);
      else if (next && next.indent === indent && isSequenceItem(next.text))
        map[key] = this.#sequence(indent);
      else map[key] = null;
    }
  }

  #error(line: Line, message: string): Error {
    return new Error(
      `kubeconfig YAML line ${line.number}: ${message}: ${line.text}`,
    );
  }

  fail(line: Line, message: string): never {
    throw this.#error(line, message);
  }
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function isMappingEntry(text: string): boolean {
  return findMappingColon(text) >= 0;
}

function findMappingColon(text: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if ((c === '"' || c === "'") && i === 0) {
      quote = c;
    } else if (c === ':' && (i === text.length - 1 || text[i + 1] === ' ')) {
      return i;
    }
  }
  return -1;
}

function unquote(text: string, line: Line, parser: Parser): string {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return parser.fail(line, 'bad double-quoted string');
    }
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2)
      parser.fail(line, 'bad single-quoted string');
    return text.slice(1, -1).replaceAll("''", "'");
  }
  return text;
}

function scalar(text: string, line: Line, parser: Parser): unknown {
  if (text === '[]') return [];
  if (text === '{}') return {};
  if (/^[[{|>&*!]/.test(text)) parser.fail(line, 'unsupported YAML construct');
  if (text.startsWith('"') || text.startsWith("'"))
    return unquote(text, line, parser);
  if (text === 'null' || text === '~') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

export function parseKubeconfigYaml(source: string): unknown {
  if (source.trimStart().startsWith('{')) return JSON.parse(source);
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '' || text === '---' || text.startsWith('%')) return;
    lines.push({
      indent: text.length - text.trimStart().length,
      text: text.trimStart(),
      number: i + 1,
    });
  });
  const parser = new Parser(lines);
  const value = parser.block(0);
  parser.expectEnd();
  return value;
}
