import { SUPACONTROL_PLUGIN_ID } from '@supacontrol/plugin-supacontrol-common';
import { Parsed } from './Parsed';

const API_SUFFIX = `/api/${SUPACONTROL_PLUGIN_ID}`;

/**
 * Normalises a portal URL to `scheme://host[:port][/base]` without a trailing slash. People paste
 * the API root too (`…/api/supacontrol`), so that suffix is dropped.
 */
export function parsePortalUrl(value: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      error: `'${value}' is not a URL; use the portal's address, e.g. https://portal.example.com`,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      error: `'${value}' must start with https:// (or http:// for a local portal)`,
    };
  }
  if (url.username || url.password) {
    return {
      error: `'${value}' must not contain credentials; pass the API key on stdin`,
    };
  }
  if (url.search || url.hash) {
    return {
      error: `'${value}' must not have a query or fragment; use the portal's address, e.g. https://portal.example.com`,
    };
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith(API_SUFFIX)) {
    path = path.slice(0, -API_SUFFIX.length);
  }
  return { value: `${url.origin}${path}` };
}

/** Whether a URL points at this machine, where plain HTTP is not a risk to the key. */
export function isLoopbackUrl(portalUrl: string): boolean {
  const host = new URL(portalUrl).hostname;
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}
