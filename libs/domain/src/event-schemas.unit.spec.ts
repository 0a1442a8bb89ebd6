import { eventSchemas } from './event-schemas';
import { productDecider } from './product/product.decider';
import type { ProductEvent } from './product/product.events';

describe('event schemas', () => {
  it('upcasts a version-1 ProductCreated (no description) into what the decider evolves today', () => {
    const v1 = { name: 'Lamp', price: 1999, quantity: 3 };
    const upcast = eventSchemas['ProductCreated']?.upcasters?.[1]?.(v1);
    expect(upcast).toEqual({ name: 'Lamp', description: '', price: 1999, quantity: 3 });
    const state = productDecider.evolve(productDecider.initialState(), { type: 'ProductCreated', data: upcast } as ProductEvent);
    expect(state).toMatchObject({ status: 'active', description: '', available: 3 });
  });

  it('has an upcaster for every version below the current one', () => {
    for (const [type, schema] of Object.entries(eventSchemas)) {
      for (let v = 1; v < schema.version; v++) expect([type, typeof schema.upcasters?.[v]]).toEqual([type, 'function']);
    }
  });
});
