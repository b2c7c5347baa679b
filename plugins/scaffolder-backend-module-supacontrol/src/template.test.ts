import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  RESERVED_INSTANCE_NAMES,
  validateInstanceName,
} from '@supacontrol/plugin-supacontrol-common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import {
  ALICE,
  setInstanceStatus,
  startSupaControl,
  SupaControlTestBackend,
  uniqueName,
} from './__testUtils__/supacontrolBackend';
import supacontrolScaffolderModule from '.';

/*
 * The example template (examples/templates/supabase-instance) run by the real scaffolder backend
 * with this module and the real SupaControl backend, as the portal runs it.
 */

jest.setTimeout(90_000);

const templatePath = resolve(
  __dirname,
  '../../../examples/templates/supabase-instance/template.yaml',
);
const template = parse(readFileSync(templatePath, 'utf8'));

type TaskEvent = {
  type: string;
  body: {
    message: string;
    stepId?: string;
    status?: string;
    /** On the completion event: the template's rendered output, or why the task failed. */
    output?: { links: object[] };
    error?: { name: string; message: string };
  };
};

describe('the supabase-instance template', () => {
  describe('its name field', () => {
    const field = template.spec.parameters[0].properties.name;
    const pattern = new RegExp(field.pattern, 'u');
    const accepts = (name: string) =>
      pattern.test(name) && name.length <= field.maxLength;

    it.each([
      'orders',
      'a',
      'orders-preview-2',
      'a'.repeat(40),
      'a'.repeat(41),
      'Orders',
      '1orders',
      'orders-',
      'ord--ers',
      'ord_ers',
      '',
      ...RESERVED_INSTANCE_NAMES,
      'kube-systems',
    ])('agrees with validateInstanceName on %p', name => {
      expect(accepts(name)).toBe(validateInstanceName(name) === undefined);
    });
  });

  describe('run by the scaffolder', () => {
    let backend: SupaControlTestBackend;
    const user = mockCredentials.user.header(ALICE);

    beforeAll(async () => {
      backend = await startSupaControl({
        standInPluginId: 'test-client',
        features: [
          scaffolderPlugin,
          supacontrolScaffolderModule,
          catalogServiceMock.factory({ entities: [template] }),
        ],
      });
    });

    afterAll(async () => {
      // Each read of a task's events leaves the scaffolder polling its database once more a
      // second later; stopping before that would surface as "Unable to acquire a connection" in
      // whichever test file runs next in this worker.
      await new Promise(r => setTimeout(r, 1500));
      await backend?.stop();
    });

    async function taskEvents(taskId: string): Promise<TaskEvent[]> {
      const res = await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
        .set('Authorization', user);
      return res.body;
    }

    async function waitForTask(taskId: string) {
      for (let i = 0; i < 300; i++) {
        const res = await request(backend.server)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set('Authorization', user);
        if (['completed', 'failed', 'cancelled'].includes(res.body.status)) {
          return res.body;
        }
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`task ${taskId} did not finish`);
    }

    it('creates the instance, waits until it is Running and links to it', async () => {
      const name = uniqueName('tpl');
      const res = await request(backend.server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', user)
        .send({
          templateRef: 'template:default/supabase-instance',
          values: { name, plan: 'small' },
        });
      expect(res.status).toBe(201);

      // The reconciler's part: the instance moves on once it exists.
      await backend.waitForStatus(name, 'Pending');
      await setInstanceStatus(backend.knex, name, 'Running');

      const task = await waitForTask(res.body.id);
      const events = await taskEvents(res.body.id);
      const log = events.filter(e => e.type === 'log').map(e => e.body.message);
      expect({ status: task.status, log }).toMatchObject({
        status: 'completed',
      });
      expect(await backend.getInstance(name, ALICE)).toMatchObject({
        owner: ALICE,
        plan: 'small',
        createdBy: ALICE,
      });
      expect(log.join('\n')).toContain(`Instance '${name}' is Running`);
      expect(log.join('\n')).toContain(
        `Catalog entity: resource:default/${name}`,
      );

      const completion = events.find(e => e.type === 'completion');
      const links = completion?.body.output?.links;
      expect(links).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            title: 'Open in catalog',
            entityRef: `resource:default/${name}`,
          }),
          expect.objectContaining({
            title: 'Supabase Studio',
            url: expect.stringContaining(name),
          }),
          expect.objectContaining({
            title: 'Keys and connection strings',
            url: `/supacontrol/instances/${name}`,
          }),
        ]),
      );
    });

    it("fails the task with the backend's message when the name is taken", async () => {
      const name = uniqueName('tpl');
      await backend.client.createInstance(
        { name },
        { credentials: mockCredentials.user(ALICE) },
      );

      const res = await request(backend.server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', user)
        .send({
          templateRef: 'template:default/supabase-instance',
          values: { name },
        });
      expect(res.status).toBe(201);
      const task = await waitForTask(res.body.id);
      const events = await taskEvents(res.body.id);

      expect(task.status).toBe('failed');
      const message = `An instance named '${name}' already exists; choose another name`;
      const completion = events.find(e => e.type === 'completion');
      expect(completion?.body.error).toEqual({
        name: 'ConflictError',
        message,
      });
      expect(
        events.some(
          e =>
            e.type === 'log' &&
            e.body.stepId === 'create' &&
            e.body.message.includes(message),
        ),
      ).toBe(true);
    });

    it('runs as a dry run from the template editor without creating anything', async () => {
      const name = uniqueName('tpl');
      const res = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', user)
        .send({
          template,
          values: { name, plan: 'small' },
          directoryContents: [],
        });

      expect(res.status).toBe(200);
      expect(res.body.output.links).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ entityRef: `resource:default/${name}` }),
        ]),
      );
      expect(await backend.getInstance(name, ALICE)).toBeUndefined();
    });
  });
});
