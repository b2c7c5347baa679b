import { Instance } from '@supacontrol/plugin-supacontrol-common';
import { ApiError } from '../client/errors';
import { ExitCode } from '../errors';
import { Progress, ProgressState } from '../output/progress';
import { waitForInstance } from './waitForInstance';
import { instanceFixture } from '../__testUtils__/instance';

/*
 * The polling rules on their own, with a scripted sequence of answers in place of the server:
 * the test backend has no reconciler, so it cannot show an instance reaching Running or Failed.
 */

const instance = instanceFixture;

function scripted(answers: Array<Instance | Error>) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async getInstance() {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

function recorder(): Progress & { states: ProgressState[]; stopped: boolean } {
  return {
    states: [],
    stopped: false,
    update(state) {
      this.states.push(state);
    },
    stop() {
      this.stopped = true;
    },
  };
}

const notFound = new ApiError({
  statusCode: 404,
  message: "No instance named 'pr-1'",
});

describe('waitForInstance', () => {
  it('polls until the status is reached and reports each state', async () => {
    const client = scripted([
      instance({ status: 'Pending' }),
      instance({
        status: 'Provisioning',
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Installing',
            message: 'helm install running',
            lastTransitionTime: '2026-12-01T00:00:01Z',
          },
        ],
      }),
      instance({ status: 'Running' }),
    ]);
    const progress = recorder();

    const result = await waitForInstance({
      client,
      name: 'pr-1',
      condition: { kind: 'status', status: 'Running' },
      timeoutMs: 5000,
      pollIntervalMs: 1,
      progress,
    });

    expect(result?.status).toBe('Running');
    expect(progress.states).toEqual([
      { status: 'Pending', detail: undefined },
      { status: 'Provisioning', detail: 'helm install running' },
      { status: 'Running', detail: undefined },
    ]);
    expect(progress.stopped).toBe(true);
  });

  it('counts the status only once the generation asked for is applied', async () => {
    // A restart answers while the instance is still Running at the generation before it.
    const client = scripted([
      instance({ status: 'Running', generation: 3, observedGeneration: 2 }),
      instance({ status: 'Updating', generation: 3, observedGeneration: 3 }),
      instance({ status: 'Running', generation: 3, observedGeneration: 3 }),
    ]);

    const result = await waitForInstance({
      client,
      name: 'pr-1',
      condition: { kind: 'status', status: 'Running', generation: 3 },
      timeoutMs: 5000,
      pollIntervalMs: 1,
      progress: recorder(),
    });

    expect(result).toMatchObject({ status: 'Running', observedGeneration: 3 });
    expect(client.calls).toBe(3);
  });

  it('stops at once with the instance error when it fails', async () => {
    const client = scripted([
      instance({ status: 'Provisioning' }),
      instance({ status: 'Failed', lastError: 'Gave up after 5 attempts: x' }),
    ]);

    await expect(
      waitForInstance({
        client,
        name: 'pr-1',
        condition: { kind: 'status', status: 'Running' },
        timeoutMs: 5000,
        pollIntervalMs: 1,
        progress: recorder(),
      }),
    ).rejects.toMatchObject({
      exitCode: ExitCode.error,
      message:
        "instance 'pr-1' failed: Gave up after 5 attempts: x; see supactl instances events pr-1, then supactl instances retry pr-1",
    });
    expect(client.calls).toBe(2);
  });

  it('treats a 404 as done when waiting for deletion', async () => {
    const client = scripted([instance({ status: 'Deleting' }), notFound]);

    await expect(
      waitForInstance({
        client,
        name: 'pr-1',
        condition: { kind: 'delete' },
        timeoutMs: 5000,
        pollIntervalMs: 1,
        progress: recorder(),
      }),
    ).resolves.toBeUndefined();
  });

  it('exits 3 when the instance disappears while waiting for a status', async () => {
    const client = scripted([instance({ status: 'Pending' }), notFound]);

    await expect(
      waitForInstance({
        client,
        name: 'pr-1',
        condition: { kind: 'status', status: 'Running' },
        timeoutMs: 5000,
        pollIntervalMs: 1,
        progress: recorder(),
      }),
    ).rejects.toMatchObject({
      exitCode: ExitCode.notFound,
      message: "instance 'pr-1' disappeared while waiting for it to be Running",
    });
  });

  it('times out with exit code 5, naming the last status', async () => {
    const progress = recorder();
    await expect(
      waitForInstance({
        client: scripted([instance({ status: 'Pending' })]),
        name: 'pr-1',
        condition: { kind: 'status', status: 'Running' },
        timeoutMs: 50,
        pollIntervalMs: 10,
        progress,
      }),
    ).rejects.toMatchObject({
      exitCode: ExitCode.timeout,
      message:
        "timed out after 50ms waiting for instance 'pr-1' to be Running (status is Pending)",
    });
    expect(progress.stopped).toBe(true);
  });
});
