import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendError,
  fakeApi,
  fakeLogText,
} from '../../../__testUtils__/fakes';
import { renderWithApis } from '../../../__testUtils__/renderWithApis';
import { SupaControlApi } from '../../../api';
import { InstanceLogs } from './InstanceLogs';

function renderLogs(api: SupaControlApi) {
  return renderWithApis(<InstanceLogs name="orders" />, { api });
}

/** The `signal` and `onLine` of the n-th followLogs call. */
function followCall(api: jest.Mocked<SupaControlApi>, n = 0) {
  const [, , onLine, signal] = api.followLogs.mock.calls[n];
  return { onLine, signal };
}

describe('InstanceLogs', () => {
  it('shows the last 200 lines of the database in monospace', async () => {
    const api = fakeApi();
    await renderLogs(api);

    const log = await screen.findByRole('log', { name: 'Logs of db' });
    expect(log.textContent).toBe(fakeLogText);
    expect(log.tagName).toBe('PRE');
    expect(api.readLogs).toHaveBeenCalledWith('orders', {
      component: 'db',
      tail: 200,
    });
    expect(api.followLogs).not.toHaveBeenCalled();
  });

  it('reads the logs of the component picked, with the number of lines picked', async () => {
    const api = fakeApi({
      readLogs: jest.fn(
        async (_name, query) => `hello from ${query.component}\n`,
      ),
    });
    await renderLogs(api);
    await screen.findByRole('log', { name: 'Logs of db' });

    await userEvent.click(screen.getByRole('button', { name: /Component/ }));
    await userEvent.click(screen.getByRole('option', { name: 'auth' }));

    expect(
      await screen.findByRole('log', { name: 'Logs of auth' }),
    ).toHaveTextContent('hello from auth');
    expect(api.readLogs).toHaveBeenLastCalledWith('orders', {
      component: 'auth',
      tail: 200,
    });

    await userEvent.click(screen.getByRole('button', { name: /Lines/ }));
    await userEvent.click(screen.getByRole('option', { name: 'last 1000' }));
    await waitFor(() =>
      expect(api.readLogs).toHaveBeenLastCalledWith('orders', {
        component: 'auth',
        tail: 1000,
      }),
    );
  });

  it('reads the logs again on reload', async () => {
    const api = fakeApi();
    await renderLogs(api);
    await screen.findByRole('log', { name: 'Logs of db' });

    await userEvent.click(screen.getByRole('button', { name: 'Reload logs' }));
    await waitFor(() => expect(api.readLogs).toHaveBeenCalledTimes(2));
  });

  it("shows the backend's reason when there is no log to read", async () => {
    const refusal = await backendError(
      409,
      'ConflictError',
      'Component db of orders has no pod; is the instance paused?',
    );
    const api = fakeApi({ readLogs: jest.fn().mockRejectedValue(refusal) });
    await renderLogs(api);

    expect(
      await screen.findByText(
        /Could not read the logs of db: Component db of orders has no pod; is the instance paused\?/,
      ),
    ).toBeInTheDocument();
  });

  it('follows the log line by line and stops when Follow is turned off', async () => {
    const api = fakeApi();
    await renderLogs(api);
    await screen.findByRole('log', { name: 'Logs of db' });

    await userEvent.click(screen.getByRole('checkbox', { name: 'Follow' }));
    expect(api.followLogs).toHaveBeenCalledWith(
      'orders',
      { component: 'db', tail: 200 },
      expect.any(Function),
      expect.any(AbortSignal),
    );
    const { onLine, signal } = followCall(api);
    expect(await screen.findByText('Waiting for new lines…')).toBeVisible();
    act(() => {
      onLine('first line');
      onLine('second line');
    });
    expect(screen.getByRole('log', { name: 'Logs of db' }).textContent).toBe(
      'first line\nsecond line',
    );
    expect(screen.getByRole('button', { name: 'Reload logs' })).toBeDisabled();
    expect(signal.aborted).toBe(false);

    await userEvent.click(screen.getByRole('checkbox', { name: 'Follow' }));
    expect(signal.aborted).toBe(true);
    // Back to reading the last lines.
    await waitFor(() => expect(api.readLogs).toHaveBeenCalledTimes(2));
  });

  it('follows the new component when another one is picked', async () => {
    const api = fakeApi();
    await renderLogs(api);
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Follow' }),
    );

    await userEvent.click(screen.getByRole('button', { name: /Component/ }));
    await userEvent.click(screen.getByRole('option', { name: 'kong' }));

    expect(followCall(api, 0).signal.aborted).toBe(true);
    expect(api.followLogs).toHaveBeenLastCalledWith(
      'orders',
      { component: 'kong', tail: 200 },
      expect.any(Function),
      expect.any(AbortSignal),
    );
    expect(followCall(api, 1).signal.aborted).toBe(false);
  });

  it('stops following when the page is left', async () => {
    const api = fakeApi();
    const { unmount } = await renderLogs(api);
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Follow' }),
    );
    const { signal } = followCall(api);
    expect(signal.aborted).toBe(false);

    unmount();
    expect(signal.aborted).toBe(true);
  });

  it('shows why following failed', async () => {
    const refusal = await backendError(
      409,
      'ConflictError',
      'Component db of orders has no pod',
    );
    const api = fakeApi({ followLogs: jest.fn().mockRejectedValue(refusal) });
    await renderLogs(api);

    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Follow' }),
    );
    expect(
      await screen.findByText(
        /Could not read the logs of db: Component db of orders has no pod/,
      ),
    ).toBeInTheDocument();
  });
});
