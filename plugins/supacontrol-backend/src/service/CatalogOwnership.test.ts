import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogOwnership } from './CatalogOwnership';

const alice: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'alice', namespace: 'default' },
  relations: [
    { type: 'memberOf', targetRef: 'group:default/Team-A' },
    { type: 'ownerOf', targetRef: 'component:default/x' },
  ],
};

describe('CatalogOwnership', () => {
  // A fake catalog is enough for this class's own rules; packages/backend/src/security.test.ts
  // checks the whole with the real catalog.
  function create(answers: (Entity | undefined | Error)[], cacheMs = 60_000) {
    const getEntityByRef = jest.fn(async () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next;
    });
    const ownership = CatalogOwnership.create({
      catalog: { getEntityByRef },
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      cacheMs,
    });
    return { ownership, getEntityByRef };
  }

  it("gives the user's ref and direct groups, lowercase, and reuses them for cacheMs", async () => {
    const { ownership, getEntityByRef } = create([alice, alice], 0);
    await expect(ownership.ownershipOf('user:default/alice')).resolves.toEqual([
      'user:default/alice',
      'group:default/team-a',
    ]);
    await ownership.ownershipOf('user:default/alice');
    expect(getEntityByRef).toHaveBeenCalledTimes(2);

    const cached = create([alice]);
    await cached.ownership.ownershipOf('user:default/alice');
    await cached.ownership.ownershipOf('USER:default/alice');
    expect(cached.getEntityByRef).toHaveBeenCalledTimes(1);
  });

  it('answers undefined for a user the catalog does not have, or that is not a User', async () => {
    const { ownership } = create([
      undefined,
      { ...alice, kind: 'Group', relations: [] },
    ]);
    await expect(ownership.ownershipOf('user:default/gone')).resolves.toBe(
      undefined,
    );
    await expect(ownership.ownershipOf('user:default/odd')).resolves.toBe(
      undefined,
    );
  });

  it('says the catalog is unavailable, and asks again next time', async () => {
    const { ownership } = create([new Error('ECONNREFUSED'), alice]);
    await expect(ownership.ownershipOf('user:default/alice')).rejects.toThrow(
      "The catalog did not answer, so the API key's owner could not be checked",
    );
    await expect(ownership.ownershipOf('user:default/alice')).resolves.toEqual([
      'user:default/alice',
      'group:default/team-a',
    ]);
  });
});
