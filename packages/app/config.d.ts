export interface Config {
  app?: {
    signIn?: {
      /**
       * Sign-in providers offered on the portal's sign-in page: `github`, and `guest` for local
       * development only (backstage.development.yaml). Default `[github]`.
       * @visibility frontend
       */
      providers?: Array<'github' | 'guest'>;
    };
  };
}
