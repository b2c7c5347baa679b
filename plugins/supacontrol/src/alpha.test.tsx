import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { supacontrolApiRef } from './api';
import plugin, { supacontrolPage } from './alpha';

describe('supacontrol plugin for the new frontend system', () => {
  it('is a frontend plugin with the id supacontrol', () => {
    expect(plugin.id).toBe('supacontrol');
  });

  it('renders the page content at /supacontrol', async () => {
    const tester = createExtensionTester(supacontrolPage);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            supacontrolApiRef,
            {
              getHealth: async () => ({
                status: 'ok' as const,
                version: '0.1.0',
                database: { status: 'ok' as const, client: 'pg' },
              }),
            },
          ],
        ]}
      >
        {tester.reactElement()}
      </TestApiProvider>,
    );

    expect(await screen.findByText('Supabase instances')).toBeInTheDocument();
    expect(await screen.findByText('healthy')).toBeInTheDocument();
  });
});
