export interface Config {
  supacontrol?: {
    ui?: {
      /**
       * Whether pages poll while an instance is settling. Status changes arrive as signals
       * (supacontrol:instances) when the portal has the signals plugin; pages poll every 5 s
       * without it, and every 30 s with it (signals reach an instance's owner and creator only).
       * Default true. `localStorage['supacontrol.ui.polling']` ('true' or 'false') overrides it
       * in one browser.
       *
       * @visibility frontend
       */
      polling?: boolean;
    };
  };
}
