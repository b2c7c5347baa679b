export interface Config {
  /**
   * Configuration of the SupaControl plugins.
   */
  supacontrol?: {
    /**
     * Entity refs of groups (or users) whose members may do everything in SupaControl, e.g.
     * `group:default/platform-team`. Read by the portal's permission policy.
     */
    admins?: string[];
    /**
     * Plans a new instance can be created with, by name (1–32 lowercase letters, digits or "-").
     * Without this key the built-in plans `small` (default) and `medium` apply.
     */
    plans?: {
      [name: string]: {
        /** Shown in the portal's plan picker. */
        description?: string;
        /** The plan used when a request names none; at most one plan may set it. */
        default?: boolean;
      };
    };
    /** The Helm chart every instance is installed from. */
    chart?: {
      /** Chart name, recorded on each instance. Default `supabase`. */
      name?: string;
      /** Pinned chart version (semantic version). Default `0.1.0`, the bundled chart. */
      version?: string;
    };
  };
}
