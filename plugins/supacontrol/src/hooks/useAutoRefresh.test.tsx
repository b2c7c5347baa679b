import { configApiRef } from '@backstage/core-plugin-api';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import { INSTANCE_SIGNAL_CHANNEL } from '@supacontrol/plugin-supacontrol-common';
import { act, renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import {
  AUTO_REFRESH_INTERVAL_MS,
  POLLING_STORAGE_KEY,
  SIGNALLED_REFRESH_INTERVAL_MS,
  useAutoRefresh,
} from './useAutoRefresh';

/** A SignalApi whose messages the test sends (a fake for this one hook). */
function fakeSignals() {
  const listeners = new Map<string, Set<(message: any) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const set = listeners.get(channel) ?? new Set();
      set.add(onMessage);
      listeners.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage) };
    },
  };
  const send = (channel: string, message: object) =>
    act(() => listeners.get(channel)?.forEach(l => l(message)));
  return { api, send };
}

function render(options: {
  signals?: SignalApi;
  polling?: boolean;
  active: boolean;
  names?: string[];
}) {
  const refresh = jest.fn();
  const apis: [any, any][] = [
    [
      configApiRef,
      mockApis.config({
        data:
          options.polling === undefined
            ? {}
            : { supacontrol: { ui: { polling: options.polling } } },
      }),
    ],
  ];
  if (options.signals) apis.push([signalApiRef, options.signals]);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={apis}>{children}</TestApiProvider>
  );
  renderHook(
    () =>
      useAutoRefresh({
        active: options.active,
        refresh,
        names: options.names,
      }),
    { wrapper },
  );
  return refresh;
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it("reloads at once on a signal about the page's instance, settled or not, and ignores others", () => {
  const { api, send } = fakeSignals();
  const refresh = render({ signals: api, active: false, names: ['orders'] });
  send(INSTANCE_SIGNAL_CHANNEL, { name: 'billing', status: 'Running' });
  act(() => jest.advanceTimersByTime(1000));
  expect(refresh).not.toHaveBeenCalled();

  send(INSTANCE_SIGNAL_CHANNEL, { name: 'orders', status: 'Running' });
  act(() => jest.advanceTimersByTime(250));
  expect(refresh).toHaveBeenCalledTimes(1);
});

it('reloads a list once for signals arriving together', () => {
  const { api, send } = fakeSignals();
  const refresh = render({ signals: api, active: false });
  send(INSTANCE_SIGNAL_CHANNEL, { name: 'a', status: 'Running' });
  send(INSTANCE_SIGNAL_CHANNEL, { name: 'b', status: 'Running' });
  act(() => jest.advanceTimersByTime(250));
  expect(refresh).toHaveBeenCalledTimes(1);
});

it('polls every 5 s while settling when signals are unavailable, and stops when settled', () => {
  const refresh = render({ active: true });
  act(() => jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS * 3));
  expect(refresh).toHaveBeenCalledTimes(3);
});

it('polls only every 30 s with signals, and not at all with supacontrol.ui.polling false', () => {
  const { api } = fakeSignals();
  const withSignals = render({ signals: api, active: true });
  act(() => jest.advanceTimersByTime(SIGNALLED_REFRESH_INTERVAL_MS - 1));
  expect(withSignals).not.toHaveBeenCalled();
  act(() => jest.advanceTimersByTime(1));
  expect(withSignals).toHaveBeenCalledTimes(1);

  const off = render({ active: true, polling: false });
  act(() => jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS * 10));
  expect(off).not.toHaveBeenCalled();
});

it("takes this browser's localStorage setting over the config", () => {
  localStorage.setItem(POLLING_STORAGE_KEY, 'false');
  try {
    const refresh = render({ active: true, polling: true });
    act(() => jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS * 10));
    expect(refresh).not.toHaveBeenCalled();
  } finally {
    localStorage.removeItem(POLLING_STORAGE_KEY);
  }
});

it('does not poll a settled page', () => {
  const refresh = render({ active: false });
  act(() => jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS * 10));
  expect(refresh).not.toHaveBeenCalled();
});
