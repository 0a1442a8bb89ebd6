import { orderEventTypes } from '../order/order.events';
import { productEventTypes } from '../product/product.events';
import { orderPlaced, productCreated } from '../testing/domain-events.fixtures';
import { orderStream, productStream } from '../testing/projected-events';
import { mongoReadModels, redisReadModels } from './read-models.registry';

const eventTypesOf: Record<string, readonly string[]> = { product: productEventTypes, order: orderEventTypes };
const creationOf = { product: productStream('x1')(productCreated(), 1), order: orderStream('x1')(orderPlaced(), 1) };
const all = [...mongoReadModels, ...redisReadModels];

describe('read model registry', () => {
  it('names every view once', () => {
    expect(new Set(all.map((projection) => projection.view)).size).toBe(all.length);
  });

  it.each(all.map((projection) => [projection.view, projection] as const))('%s handles only its stream\'s event types', (_, projection) => {
    expect(eventTypesOf[projection.aggregateType]).toEqual(expect.arrayContaining([...projection.handles]));
    expect(projection.handles.length).toBeGreaterThan(0);
  });

  it.each(mongoReadModels.map((projection) => [projection.view, projection] as const))(
    '%s leaves _id, tenant and version to the runtime and indexes tenant first',
    (_, projection) => {
      const doc = projection.evolve(null, creationOf[projection.aggregateType as keyof typeof creationOf]);
      expect(doc).not.toBeNull();
      for (const field of ['_id', 'tenant', 'version']) expect(doc).not.toHaveProperty(field);
      for (const index of projection.indexes) expect(Object.keys(index.key)[0]).toBe('tenant');
    },
  );
});
