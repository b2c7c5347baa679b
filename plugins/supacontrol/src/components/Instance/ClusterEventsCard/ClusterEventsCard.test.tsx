import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendError,
  fakeApi,
  fakeClusterEvents,
} from '../../../__testUtils__/fakes';
import { renderWithApis } from '../../../__testUtils__/renderWithApis';
import { ClusterEventsCard } from './ClusterEventsCard';

describe('ClusterEventsCard', () => {
  it('lists the events of the namespace, Warnings highlighted', async () => {
    const api = fakeApi();
    await renderWithApis(<ClusterEventsCard name="orders" />, { api });

    const table = await screen.findByRole('table', { name: 'Cluster events' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(1 + fakeClusterEvents.length);
    expect(
      within(rows[0])
        .getAllByRole('columnheader')
        .map(cell => cell.textContent),
    ).toEqual(['Type', 'Reason', 'Object', 'Message', 'Count', 'Last seen']);
    const [warning, normal] = rows.slice(1);
    expect(warning).toHaveTextContent('Warning');
    expect(warning).toHaveTextContent('BackOff');
    expect(warning).toHaveTextContent('Pod/orders-auth-7d9f-abcde');
    expect(warning).toHaveTextContent(
      'Back-off restarting failed container auth',
    );
    expect(within(warning).getByText('4')).toBeInTheDocument();
    expect(warning.querySelector('time')).toHaveAttribute(
      'datetime',
      '2025-01-01T10:04:00.000Z',
    );
    expect(normal).toHaveTextContent('Scheduled');
    // Only the Warning row is highlighted.
    expect(warning.className).not.toBe(normal.className);
    expect(api.getClusterEvents).toHaveBeenCalledWith('orders');
  });

  it('says when there are no events', async () => {
    const api = fakeApi({ getClusterEvents: jest.fn(async () => []) });
    await renderWithApis(<ClusterEventsCard name="orders" />, { api });

    expect(
      await screen.findByText(/No events in the instance's namespace/),
    ).toBeInTheDocument();
  });

  it("shows the backend's message, and loads again on request", async () => {
    const error = await backendError(
      503,
      'ServiceUnavailableError',
      'The cluster is not reachable',
    );
    const api = fakeApi({
      getClusterEvents: jest
        .fn()
        .mockRejectedValueOnce(error)
        .mockResolvedValue(fakeClusterEvents),
    });
    await renderWithApis(<ClusterEventsCard name="orders" />, { api });

    expect(
      await screen.findByText(
        /Could not load the cluster events: The cluster is not reachable/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('table', { name: 'Cluster events' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.getClusterEvents).toHaveBeenCalledTimes(2));
  });
});
