import { EventSchemaRegistry } from './event-schema.registry';

const registry = () =>
  new EventSchemaRegistry({
    PriceSet: {
      version: 3,
      upcasters: {
        1: (data) => ({ amount: data['price'], history: ['v1->v2'] }),
        2: (data) => ({ ...data, currency: 'EUR', history: [...(data['history'] as string[] | undefined ?? []), 'v2->v3'] }),
      },
    },
  });

describe('EventSchemaRegistry', () => {
  it('gives new events the current version of their type, 1 for an unregistered type', () => {
    expect(registry().currentVersion('PriceSet')).toBe(3);
    expect(registry().currentVersion('Unknown')).toBe(1);
  });

  it('upcasts step by step, in order, from the stored version to the current one', () => {
    expect(registry().upcast('PriceSet', 1, { price: 5 })).toEqual({
      schemaVersion: 3,
      data: { amount: 5, currency: 'EUR', history: ['v1->v2', 'v2->v3'] },
    });
    expect(registry().upcast('PriceSet', 2, { amount: 7 })).toEqual({ schemaVersion: 3, data: { amount: 7, currency: 'EUR', history: ['v2->v3'] } });
  });

  it('leaves current, newer and unknown events unchanged', () => {
    const current = { amount: 1, currency: 'EUR' };
    expect(registry().upcast('PriceSet', 3, current).data).toBe(current);
    expect(registry().upcast('PriceSet', 4, current)).toEqual({ schemaVersion: 4, data: current });
    expect(registry().upcast('Other', 1, current)).toEqual({ schemaVersion: 1, data: current });
  });

  it('does not change the stored data it upcasts', () => {
    const stored = { price: 5 };
    registry().upcast('PriceSet', 1, stored);
    expect(stored).toEqual({ price: 5 });
  });

  it('refuses a definition with a gap in its upcasters or a bad version', () => {
    expect(() => new EventSchemaRegistry({ A: { version: 3, upcasters: { 1: (d) => d } } })).toThrow('A needs an upcaster from version 2 to 3');
    expect(() => new EventSchemaRegistry({ A: { version: 0 } })).toThrow(TypeError);
  });
});
