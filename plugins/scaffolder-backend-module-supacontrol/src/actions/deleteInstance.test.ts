import { actionContext, outputs } from '../__testUtils__/actionContext';
import {
  ALICE,
  MALLORY,
  setInstanceStatus,
  startSupaControl,
  SupaControlTestBackend,
  uniqueName,
} from '../__testUtils__/supacontrolBackend';
import { createSupaControlInstanceCreateAction } from './createInstance';
import { createSupaControlInstanceDeleteAction } from './deleteInstance';

jest.setTimeout(60_000);

describe('supacontrol:instance:delete', () => {
  let backend: SupaControlTestBackend;
  let create: ReturnType<typeof createSupaControlInstanceCreateAction>;
  let action: ReturnType<typeof createSupaControlInstanceDeleteAction>;

  beforeAll(async () => {
    backend = await startSupaControl();
    create = createSupaControlInstanceCreateAction({ client: backend.client });
    action = createSupaControlInstanceDeleteAction({
      client: backend.client,
      pollIntervalMs: 100,
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const context = actionContext;

  async function aliceInstance(): Promise<string> {
    const name = uniqueName('del');
    await create.handler(context({ name, waitForRunning: false }).ctx as any);
    return name;
  }

  it('requests deletion and outputs Deleting', async () => {
    const name = await aliceInstance();
    const { ctx } = context({ name });

    await action.handler(ctx as any);

    expect(outputs(ctx)).toEqual({ name, status: 'Deleting' });
    expect(await backend.getInstance(name, ALICE)).toMatchObject({
      status: 'Deleting',
      desiredState: 'deleted',
    });
  });

  it('waits until the instance is Deleted when asked to', async () => {
    const name = await aliceInstance();
    const { ctx, logger } = context({
      name,
      waitForDeletion: true,
      timeoutSeconds: 30,
    });

    const run = action.handler(ctx as any);
    await backend.waitForStatus(name, 'Deleting');
    await setInstanceStatus(backend.knex, name, 'Deleted');
    await run;

    expect(outputs(ctx)).toEqual({ name, status: 'Deleted' });
    expect(logger.info).toHaveBeenCalledWith(`Instance '${name}' is Deleted`);
  });

  it('checks that the instance exists in a dry run, deleting nothing', async () => {
    const name = await aliceInstance();
    const { ctx } = context({ name }, { isDryRun: true });

    await action.handler(ctx as any);

    expect(outputs(ctx)).toEqual({ name, status: 'DryRun' });
    expect(await backend.getInstance(name, ALICE)).toMatchObject({
      status: 'Pending',
    });

    const ghost = context({ name: uniqueName('ghost') }, { isDryRun: true });
    await expect(action.handler(ghost.ctx as any)).rejects.toThrow(
      /No instance named 'ghost-/,
    );
  });

  it('refuses a user without the delete permission, with the reason', async () => {
    const name = await aliceInstance();
    const { ctx, logger } = context({ name }, { user: MALLORY });

    const failure = action.handler(ctx as any);

    await expect(failure).rejects.toThrow(
      `You are not allowed to delete instance '${name}' (supacontrol.instance.delete)`,
    );
    await expect(failure).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('You are not allowed to delete instance'),
    );
    expect(await backend.getInstance(name, ALICE)).toMatchObject({
      status: 'Pending',
    });
  });
});
