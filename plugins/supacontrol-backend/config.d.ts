export interface Config {
  /**
   * Configuration of the SupaControl plugins.
   */
  supacontrol?: {};
}
