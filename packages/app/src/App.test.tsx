import { render, screen } from '@testing-library/react';
import App from './App';

function renderWith(app: object) {
  process.env = {
    NODE_ENV: 'test',
    APP_CONFIG: [
      {
        data: {
          app: { title: 'SupaControl Test Portal', ...app },
          backend: { baseUrl: 'http://localhost:7007' },
        },
        context: 'test',
      },
    ] as any,
  };
  render(App.createRoot());
}

describe('App', () => {
  it('offers GitHub sign-in, and no guest, unless the config says otherwise', async () => {
    renderWith({});
    expect(
      await screen.findByText('SupaControl Test Portal'),
    ).toBeInTheDocument();
    expect(await screen.findByText('GitHub')).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
  });
  // Guest sign-in, with the development config, is what the browser test signs in with.
});
