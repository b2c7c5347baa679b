import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { CliError } from '../errors';
import { Context, SupactlConfig } from './types';

const HEADER =
  ' supactl contexts. This file holds API keys: keep it private (mode 0600).\n' +
  ' Edit with supactl login / supactl config; SUPACTL_URL and SUPACTL_API_KEY override it.';

function invalid(file: string, problem: string): CliError {
  return new CliError(
    `the config file ${file} is not valid: ${problem}; fix it, or delete it and log in again`,
  );
}

function parseContext(file: string, value: unknown, index: number): Context {
  const entry = value as Record<string, unknown> | null;
  for (const key of ['name', 'url', 'apiKey'] as const) {
    if (typeof entry?.[key] !== 'string' || entry[key] === '') {
      throw invalid(
        file,
        `contexts[${index}].${key} must be a non-empty string`,
      );
    }
  }
  return {
    name: entry!.name as string,
    url: entry!.url as string,
    apiKey: entry!.apiKey as string,
  };
}

/**
 * The config file: read whole, validated, written whole. Writes go to a 0600 temporary file in
 * the same directory that is then renamed over the old one, so a crash never leaves half a file
 * and the key is never readable by others, not even for a moment.
 */
export class ConfigFile {
  readonly path: string;
  readonly #warn: (message: string) => void;

  static at(file: string, options: { warn: (message: string) => void }) {
    return new ConfigFile(file, options.warn);
  }

  private constructor(file: string, warn: (message: string) => void) {
    this.path = file;
    this.#warn = warn;
  }

  async read(): Promise<SupactlConfig> {
    let text: string;
    try {
      const stat = await fs.stat(this.path);
      if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
        this.#warn(
          `${this.path} is readable by other users and holds API keys; run chmod 600 ${this.path}`,
        );
      }
      text = await fs.readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { contexts: [] };
      }
      throw new CliError(
        `cannot read the config file ${this.path}: ${(error as Error).message}`,
      );
    }
    let data: any;
    try {
      data = YAML.parse(text) ?? {};
    } catch (error) {
      throw invalid(this.path, (error as Error).message.split('\n')[0]);
    }
    if (typeof data !== 'object' || Array.isArray(data)) {
      throw invalid(this.path, 'it must be a mapping with contexts');
    }
    const contexts = data.contexts ?? [];
    if (!Array.isArray(contexts)) {
      throw invalid(this.path, 'contexts must be a list');
    }
    if (
      data.currentContext !== undefined &&
      typeof data.currentContext !== 'string'
    ) {
      throw invalid(this.path, 'currentContext must be a string');
    }
    return {
      currentContext: data.currentContext,
      contexts: contexts.map((c: unknown, i: number) =>
        parseContext(this.path, c, i),
      ),
    };
  }

  async write(config: SupactlConfig): Promise<void> {
    const dir = path.dirname(this.path);
    const document = new YAML.Document({
      currentContext: config.currentContext,
      contexts: config.contexts.map(({ name, url, apiKey }) => ({
        name,
        url,
        apiKey,
      })),
    });
    document.commentBefore = HEADER;
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      // A leftover from a crashed run might have another mode; start from a new file.
      await fs.rm(temporary, { force: true });
      await fs.writeFile(temporary, document.toString(), {
        mode: 0o600,
        flag: 'wx',
      });
      // The mode given to writeFile is reduced by the umask; make sure it is exactly 0600.
      await fs.chmod(temporary, 0o600);
      await fs.rename(temporary, this.path);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw new CliError(
        `cannot write the config file ${this.path}: ${
          (error as Error).message
        }`,
      );
    }
  }
}
