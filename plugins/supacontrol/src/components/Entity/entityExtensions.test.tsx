import { Entity } from '@backstage/catalog-model';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  supabaseInstanceEntityCard,
  supabaseInstanceEntityContent,
} from '../../alpha';
import { instanceResource } from './__testUtils__/renderForEntity';
import { isSupabaseInstanceEntity } from './entityInstance';

const otherResource: Entity = {
  ...instanceResource('orders'),
  spec: { type: 'database', owner: 'group:default/team-a' },
};
const component: Entity = {
  ...instanceResource('orders'),
  kind: 'Component',
};

describe('the entity card and tab of the new frontend system', () => {
  it('appear on Resources of type supabase-instance only', () => {
    for (const [extension, dataRefs] of [
      [supabaseInstanceEntityCard, EntityCardBlueprint.dataRefs],
      [supabaseInstanceEntityContent, EntityContentBlueprint.dataRefs],
    ] as const) {
      const tester = createExtensionTester(extension as any);
      const filter = tester.get(dataRefs.filterFunction as any) as (
        entity: Entity,
      ) => boolean;
      expect(filter(instanceResource('orders'))).toBe(true);
      expect(filter(otherResource)).toBe(false);
      expect(filter(component)).toBe(false);
    }
  });

  it('put the tab at supabase, titled Supabase', () => {
    const tester = createExtensionTester(supabaseInstanceEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Supabase');
  });
});

describe('isSupabaseInstanceEntity', () => {
  it('is the same test for apps on the legacy frontend system', () => {
    expect(isSupabaseInstanceEntity(instanceResource('orders'))).toBe(true);
    expect(isSupabaseInstanceEntity(otherResource)).toBe(false);
    expect(isSupabaseInstanceEntity(component)).toBe(false);
    expect(
      isSupabaseInstanceEntity(instanceResource('orders', { annotations: {} })),
    ).toBe(false);
  });
});
