/** One portal and the API key to use with it, like a kubectl context. */
export interface Context {
  name: string;
  /** The portal's base URL, normalised by `parsePortalUrl`. */
  url: string;
  apiKey: string;
}

/** The content of the config file. */
export interface SupactlConfig {
  currentContext?: string;
  contexts: Context[];
}
