import { SupactlConfig } from '../config/types';
import { renderTable } from './table';

/**
 * Shows which key a context uses without revealing it: the `sck_<id>` part is what the portal's
 * settings page lists, so it identifies the key; the secret is never printed.
 */
export function maskApiKey(apiKey: string): string {
  const match = /^(sck_[a-z0-9]+)_/.exec(apiKey);
  return match ? `${match[1]}_****` : '****';
}

export function renderContextTable(config: SupactlConfig): string {
  return renderTable(
    ['CURRENT', 'NAME', 'URL', 'API KEY'],
    config.contexts.map(c => [
      c.name === config.currentContext ? '*' : '',
      c.name,
      c.url,
      maskApiKey(c.apiKey),
    ]),
  );
}
