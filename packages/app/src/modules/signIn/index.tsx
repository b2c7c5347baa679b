import {
  configApiRef,
  createFrontendModule,
  githubAuthApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { SignInPage } from '@backstage/core-components';
import type { ComponentProps } from 'react';

type Props = Omit<ComponentProps<typeof SignInPage>, 'providers'>;

const GITHUB = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in with your GitHub account',
  apiRef: githubAuthApiRef,
};

/**
 * The providers of `app.signIn.providers`: GitHub unless told otherwise, guest only where the
 * development config (backstage.development.yaml) asks for it, so that a production portal never
 * shows a guest button.
 */
const PortalSignInPage = (props: Props) => {
  const config = useApi(configApiRef);
  const names = config.getOptionalStringArray('app.signIn.providers') ?? [
    'github',
  ];
  const providers = names.map(name => (name === 'guest' ? 'guest' : GITHUB));
  return <SignInPage {...props} providers={providers as any} />;
};

const signInPage = SignInPageBlueprint.make({
  params: { loader: async () => PortalSignInPage },
});

/** Replaces the app's default guest-only sign-in page. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
