import { JsonValue } from '@backstage/types';
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
import { createSupaControlInstanceWaitAction } from './waitInstance';

/*
 * The create and wait actions against a real SupaControl backend (with the test bed's cluster,
 * reconciling off). Where a test needs an instance to move on, it writes the status the
 * reconciler would write.
 */

jest.setTimeout(60_000);

describe('supacontrol:instance:create', () => {
  let backend: SupaControlTestBackend;
  let action: ReturnType<typeof createSupaControlInstanceCreateAction>;
  let waitAction: ReturnType<typeof createSupaControlInstanceWaitAction>;

  beforeAll(async () => {
    backend = await startSupaControl();
    action = createSupaControlInstanceCreateAction({
      client: backend.client,
      pollIntervalMs: 100,
    });
    waitAction = createSupaControlInstanceWaitAction({
      client: backend.client,
      pollIntervalMs: 100,
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const context = actionContext;

  it('creates a Pending instance for the initiator and outputs where it will be', async () => {
    const name = uniqueName('tpl');
    const { ctx, logger } = context({ name, waitForRunning: false });

    await action.handler(ctx as any);

    expect(outputs(ctx)).toEqual({
      name,
      namespace: `supa-${name}`,
      status: 'Pending',
      cluster: 'default',
      region: 'default',
      apiUrl: expect.stringContaining(name),
      studioUrl: expect.stringContaining(name),
      entityRef: `resource:default/${name}`,
    });
    const instance = await backend.getInstance(name, ALICE);
    expect(instance).toMatchObject({
      status: 'Pending',
      owner: ALICE,
      createdBy: ALICE,
    });
    expect(logger.info).toHaveBeenCalledWith(
      `Requesting Supabase instance '${name}' (plan default, owner you)`,
    );
  });

  it('places the instance in the region asked for, and refuses cluster with region', async () => {
    const name = uniqueName('tpl');
    const { ctx, logger } = context({
      name,
      region: 'default',
      cluster: '',
      waitForRunning: false,
    });
    await action.handler(ctx as any);
    expect(outputs(ctx)).toMatchObject({
      cluster: 'default',
      region: 'default',
    });
    expect(logger.info).toHaveBeenCalledWith(
      `Requesting Supabase instance '${name}' (plan default, owner you, region default)`,
    );

    const both = context({
      name: uniqueName('tpl'),
      region: 'default',
      cluster: 'default',
    });
    await expect(action.handler(both.ctx as any)).rejects.toThrow(
      'give cluster or region, not both',
    );
    const nowhere = context({ name: uniqueName('tpl'), region: 'mars' });
    await expect(action.handler(nowhere.ctx as any)).rejects.toThrow(
      "region must be one of 'default'; got 'mars'",
    );
  });

  it('passes plan and owner, and waits until the instance is Running', async () => {
    const name = uniqueName('tpl');
    const { ctx, logger } = context({
      name,
      plan: 'medium',
      owner: 'group:default/team-a',
      timeoutSeconds: 30,
    });

    const run = action.handler(ctx as any);
    await backend.waitForStatus(name, 'Pending');
    await setInstanceStatus(backend.knex, name, 'Provisioning');
    await setInstanceStatus(backend.knex, name, 'Running');
    await run;

    expect(outputs(ctx)).toMatchObject({ name, status: 'Running' });
    expect(await backend.getInstance(name, ALICE)).toMatchObject({
      plan: 'medium',
      owner: 'group:default/team-a',
    });
    const logged = logger.info.mock.calls.map(([message]) => message);
    expect(logged).toContain(`Instance '${name}' is Pending`);
    expect(logged).toContain(`Instance '${name}' is Running`);
    expect(logged[logged.length - 1]).toMatch(
      new RegExp(`^Instance '${name}' is Running: API \\S+, Studio \\S+$`),
    );
  });

  it('asks for the instance only once when the step runs again', async () => {
    const name = uniqueName('tpl');
    const checkpoints = new Map<string, JsonValue>();
    const first = context({ name, waitForRunning: false }, { checkpoints });
    await action.handler(first.ctx as any);

    // A second request would be refused as "already exists"; the checkpoint prevents it.
    const again = context({ name, waitForRunning: false }, { checkpoints });
    await action.handler(again.ctx as any);

    expect(outputs(again.ctx)).toEqual(outputs(first.ctx));
    expect(again.logger.error).not.toHaveBeenCalled();
    expect([...checkpoints.keys()]).toEqual([
      `supacontrol.instance.create.${name}`,
    ]);
  });

  it('gets the instance it created when a re-run lost the checkpoint (a crash in between)', async () => {
    const name = uniqueName('tpl');
    const first = context({ name, waitForRunning: false });
    await action.handler(first.ctx as any);

    // The backend recorded the instance, but the task died before its checkpoint was stored:
    // the re-run of the step asks again, with the same task, and gets the same instance.
    const rerun = context(
      { name, waitForRunning: false },
      { checkpoints: new Map() },
    );
    await action.handler(rerun.ctx as any);

    expect(outputs(rerun.ctx)).toEqual(outputs(first.ctx));
    expect(rerun.logger.error).not.toHaveBeenCalled();
    expect(
      await backend
        .knex('instance_events')
        .where({ instance_name: name, action: 'create' }),
    ).toHaveLength(1);
  });

  it('validates input and checks that the name is free in a dry run, creating nothing', async () => {
    const name = uniqueName('tpl');
    const { ctx, logger } = context(
      { name, waitForRunning: true },
      { isDryRun: true },
    );

    await action.handler(ctx as any);

    expect(outputs(ctx)).toMatchObject({
      name,
      namespace: `supa-${name}`,
      status: 'DryRun',
      entityRef: `resource:default/${name}`,
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^Dry run: would create instance/),
    );
    expect(await backend.getInstance(name, ALICE)).toBeUndefined();

    const bad = context({ name: 'Not_Valid' }, { isDryRun: true });
    await expect(action.handler(bad.ctx as any)).rejects.toThrow(
      /name must be 1–40 lowercase letters/,
    );
  });

  it('refuses a taken name in a dry run', async () => {
    const name = uniqueName('tpl');
    await action.handler(context({ name, waitForRunning: false }).ctx as any);

    const { ctx, logger } = context({ name }, { isDryRun: true });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      `An instance named '${name}' already exists; choose another name`,
    );
    expect(logger.error).toHaveBeenCalled();
  });

  it("reports a taken name with the backend's explanation", async () => {
    const name = uniqueName('tpl');
    await action.handler(context({ name, waitForRunning: false }).ctx as any);

    // Another task (a second run of the template) asks for the same name.
    const { ctx, logger } = context(
      { name, waitForRunning: false },
      { taskId: 'another-task' },
    );
    const failure = action.handler(ctx as any);

    await expect(failure).rejects.toThrow(
      `An instance named '${name}' already exists; choose another name`,
    );
    await expect(failure).rejects.toMatchObject({ name: 'ConflictError' });
    expect(logger.error).toHaveBeenCalledWith(
      `Could not create instance '${name}' (plan default, owner you): An instance named '${name}' already exists; choose another name`,
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('applies the permissions of the person running the template', async () => {
    const name = uniqueName('tpl');
    const { ctx, logger } = context(
      { name, waitForRunning: false },
      { user: MALLORY },
    );

    const failure = action.handler(ctx as any);

    await expect(failure).rejects.toThrow(
      'You are not allowed to create instances',
    );
    await expect(failure).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('You are not allowed to create instances'),
    );
    expect(await backend.getInstance(name, ALICE)).toBeUndefined();

    // Owners outside the user's own claims are refused the same way.
    const other = context({
      name,
      owner: 'group:default/team-b',
      waitForRunning: false,
    });
    await expect(action.handler(other.ctx as any)).rejects.toThrow(
      /You can only create instances owned by yourself or your groups/,
    );
  });

  it('gives up waiting after timeoutSeconds, saying the instance keeps going', async () => {
    const name = uniqueName('tpl');
    const { ctx, logger } = context({ name, timeoutSeconds: 1 });
    const started = Date.now();

    const failure = action.handler(ctx as any);

    await expect(failure).rejects.toThrow(
      `Instance '${name}' is still Pending after 1 s, so it was not Running within timeoutSeconds`,
    );
    await expect(failure).rejects.toMatchObject({
      name: 'InstanceWaitTimeoutError',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('SupaControl keeps working on it'),
    );
    // The instance itself was created.
    expect(await backend.getInstance(name, ALICE)).toMatchObject({
      status: 'Pending',
    });
  });

  it("stops waiting when the instance fails, with the reconciler's error", async () => {
    const name = uniqueName('tpl');
    await action.handler(context({ name, waitForRunning: false }).ctx as any);
    await setInstanceStatus(backend.knex, name, 'Failed', {
      lastError: 'helm upgrade --install failed: quota exceeded',
    });

    const { ctx } = context({ name, timeoutSeconds: 30 });
    await expect(waitAction.handler(ctx as any)).rejects.toThrow(
      `Instance '${name}' failed: helm upgrade --install failed: quota exceeded`,
    );
  });
});

describe('supacontrol:instance:wait', () => {
  let backend: SupaControlTestBackend;
  let create: ReturnType<typeof createSupaControlInstanceCreateAction>;
  let wait: ReturnType<typeof createSupaControlInstanceWaitAction>;

  beforeAll(async () => {
    backend = await startSupaControl();
    create = createSupaControlInstanceCreateAction({ client: backend.client });
    wait = createSupaControlInstanceWaitAction({
      client: backend.client,
      pollIntervalMs: 100,
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const ctxFor = (input: Record<string, JsonValue>) => actionContext(input).ctx;

  it('outputs the URLs and entity once the instance is Running', async () => {
    const name = uniqueName('tpl');
    await create.handler(ctxFor({ name, waitForRunning: false }) as any);
    const ctx = ctxFor({ name, timeoutSeconds: 30 });

    const run = wait.handler(ctx as any);
    await setInstanceStatus(backend.knex, name, 'Running');
    await run;

    expect(outputs(ctx)).toEqual({
      name,
      namespace: `supa-${name}`,
      status: 'Running',
      cluster: 'default',
      region: 'default',
      apiUrl: expect.stringContaining(name),
      studioUrl: expect.stringContaining(name),
      entityRef: `resource:default/${name}`,
    });
  });

  it('fails at once for an instance the user cannot see', async () => {
    const ctx = ctxFor({ name: uniqueName('ghost'), timeoutSeconds: 30 });
    await expect(wait.handler(ctx as any)).rejects.toThrow(
      /disappeared while waiting for it to be Running, or you may no longer read it/,
    );
  });
});
