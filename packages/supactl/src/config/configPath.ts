import os from 'node:os';
import path from 'node:path';

/**
 * `${XDG_CONFIG_HOME:-~/.config}/supactl/config.yaml`. The XDG spec says relative values are to
 * be ignored, so only an absolute XDG_CONFIG_HOME counts.
 */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base =
    xdg && path.isAbsolute(xdg)
      ? xdg
      : path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'supactl', 'config.yaml');
}
