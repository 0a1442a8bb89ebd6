import { randomBytes, randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { aggregateTypes, eventSchemas, orderDecider, productDecider, type Money, type OrderCommand, type ProductCommand } from '@eventide/domain';
import { AggregateRepository, EventSchemaRegistry, MongoEventStore, type StoredEvent, type StreamRef } from '@eventide/event-store';
import { OrderFulfilment } from './order-fulfilment.process';

/** The fulfilment process against a real MongoDB event store: reservations, outcomes, redelivery, races, causation. */
describe('order fulfilment process (MongoDB)', () => {
  const tenant = 'tenant-f';
  let client: MongoClient;
  let db: Db;
  let store: MongoEventStore;
  let repository: AggregateRepository;
  let fulfilment: OrderFulfilment;
  let nudges = 0;

  beforeAll(async () => {
    const url = process.env['MONGO_URL'];
    if (!url) throw new Error('MONGO_URL is not set: run through `npm test` or `eval "$(node tools/bootstrap.mjs infra env)"`');
    client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5_000 });
    db = client.db(`fulfilment_${randomBytes(4).toString('hex')}`);
    store = new MongoEventStore(db, { schemas: new EventSchemaRegistry(eventSchemas) });
    await store.ensureIndexes();
    repository = new AggregateRepository(store);
    fulfilment = new OrderFulfilment(repository, () => (nudges += 1));
  });

  afterAll(async () => {
    try {
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });

  const productRef = (id: string): StreamRef => ({ tenant, aggregateType: aggregateTypes.product, aggregateId: id });
  const orderRef = (id: string): StreamRef => ({ tenant, aggregateType: aggregateTypes.order, aggregateId: id });
  const byClient = (correlationId: string) => ({ context: { correlationId, causationId: correlationId, occurredAt: new Date() } });

  async function createProduct(quantity: number): Promise<string> {
    const id = randomUUID();
    const command: ProductCommand = { type: 'CreateProduct', data: { name: 'Lamp', description: '', price: 1000 as Money, quantity } };
    await repository.handle(productDecider, productRef(id), command, byClient('setup'));
    return id;
  }

  /** Places an order and returns its OrderPlaced event, as the consumer would receive it. */
  async function placeOrder(lines: { productId: string; quantity: number }[]): Promise<StoredEvent> {
    const command: OrderCommand = { type: 'PlaceOrder', data: { customerId: 'c-1', lines: lines.map((l) => ({ ...l, unitPrice: 1000 as Money })) } };
    const result = await repository.handle(orderDecider, orderRef(randomUUID()), command, byClient(`corr-${randomUUID()}`));
    return result.events[0] as StoredEvent;
  }

  const orderOf = async (event: StoredEvent) => repository.load(orderDecider, orderRef(event.metadata.aggregateId));
  const productState = async (id: string) => {
    const { state } = await repository.load(productDecider, productRef(id));
    if (state.status === 'none') throw new Error(`product ${id} is missing`);
    return state;
  };
  const eventsOf = (ref: StreamRef) => store.readStream(ref);
  const causedBy = async (trigger: StoredEvent, refs: StreamRef[]) =>
    (await Promise.all(refs.map(eventsOf))).flat().filter((e) => e.metadata.causationId === trigger.eventId);

  it('reserves every line and confirms the order', async () => {
    const [a, b] = [await createProduct(5), await createProduct(3)] as [string, string];
    const placed = await placeOrder([{ productId: a, quantity: 2 }, { productId: b, quantity: 3 }]);
    const before = nudges;
    expect(await fulfilment.handle(placed)).toBe('confirmed');
    expect((await orderOf(placed)).state.status).toBe('confirmed');
    expect(await productState(a)).toMatchObject({ available: 3, reserved: 2, reservations: { [placed.metadata.aggregateId]: 2 } });
    expect(await productState(b)).toMatchObject({ available: 0, reserved: 3, reservations: { [placed.metadata.aggregateId]: 3 } });
    expect(nudges).toBeGreaterThan(before);
  });

  it('rejects an order a line cannot be reserved for, naming the product, and releases the other lines', async () => {
    const [a, short, c] = [await createProduct(5), await createProduct(1), await createProduct(5)] as [string, string, string];
    const placed = await placeOrder([{ productId: a, quantity: 2 }, { productId: short, quantity: 2 }, { productId: c, quantity: 1 }]);
    expect(await fulfilment.handle(placed)).toBe('rejected');
    const order = await eventsOf(orderRef(placed.metadata.aggregateId));
    expect(order.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderRejected']);
    expect(order[1]?.data['reason']).toBe(`insufficient stock for product ${short}`);
    for (const id of [a, short, c]) expect(await productState(id)).toMatchObject({ reserved: 0, reservations: {} });
    expect((await eventsOf(productRef(a))).map((e) => e.type)).toEqual(['ProductCreated', 'ProductQuantityReserved', 'ProductQuantityReleased']);
    // Lines after the refused one were never reserved.
    expect((await eventsOf(productRef(c))).map((e) => e.type)).toEqual(['ProductCreated']);
  });

  it('rejects an order for a product that does not exist', async () => {
    const missing = randomUUID();
    const placed = await placeOrder([{ productId: missing, quantity: 1 }]);
    expect(await fulfilment.handle(placed)).toBe('rejected');
    expect((await eventsOf(orderRef(placed.metadata.aggregateId))).at(-1)?.data['reason']).toBe(`product ${missing} does not exist`);
  });

  it('reserves once and confirms once when the same OrderPlaced is delivered twice', async () => {
    const a = await createProduct(5);
    const placed = await placeOrder([{ productId: a, quantity: 2 }]);
    expect(await fulfilment.handle(placed)).toBe('confirmed');
    expect(await fulfilment.handle(placed)).toBe('ignored');
    expect((await eventsOf(orderRef(placed.metadata.aggregateId))).map((e) => [e.type, e.version])).toEqual([['OrderPlaced', 1], ['OrderConfirmed', 2]]);
    expect((await eventsOf(productRef(a))).map((e) => [e.type, e.version])).toEqual([['ProductCreated', 1], ['ProductQuantityReserved', 2]]);
  });

  it('reserves nothing for an order cancelled before its OrderPlaced is handled', async () => {
    const a = await createProduct(5);
    const placed = await placeOrder([{ productId: a, quantity: 2 }]);
    await repository.handle(orderDecider, orderRef(placed.metadata.aggregateId), { type: 'CancelOrder', data: {} }, byClient('customer'));
    expect(await fulfilment.handle(placed)).toBe('ignored');
    expect((await eventsOf(productRef(a))).map((e) => e.type)).toEqual(['ProductCreated']);
    expect((await orderOf(placed)).state.status).toBe('cancelled');
  });

  it('gives the stock back when the order is cancelled while its lines are being reserved', async () => {
    const a = await createProduct(5);
    const placed = await placeOrder([{ productId: a, quantity: 2 }]);
    // The cancellation lands between the reservation and the confirmation.
    const racing = new OrderFulfilment(
      Object.assign(Object.create(repository) as AggregateRepository, {
        handle: async (...args: Parameters<AggregateRepository['handle']>) => {
          const command = args[2] as { type: string };
          if (command.type === 'ReserveProductQuantity') {
            const result = await repository.handle(...args);
            await repository.handle(orderDecider, orderRef(placed.metadata.aggregateId), { type: 'CancelOrder', data: {} }, byClient('customer'));
            return result;
          }
          return repository.handle(...args);
        },
      }),
    );
    expect(await racing.handle(placed)).toBe('released');
    expect(await productState(a)).toMatchObject({ available: 5, reserved: 0 });
    expect((await orderOf(placed)).state.status).toBe('cancelled');
  });

  it('keeps the reservations when another run confirmed the order while this one hit a refusal', async () => {
    // A redelivery to a new partition owner confirmed the order (stock had come back); this older
    // run then finds a line short: its reject is refused, and it must not release the confirmed order's stock.
    const a = await createProduct(5);
    const short = await createProduct(0);
    const placed = await placeOrder([{ productId: a, quantity: 2 }, { productId: short, quantity: 1 }]);
    const order = orderRef(placed.metadata.aggregateId);
    const stale = new OrderFulfilment(
      Object.assign(Object.create(repository) as AggregateRepository, {
        handle: async (...args: Parameters<AggregateRepository['handle']>) => {
          const command = args[2] as { type: string };
          if (command.type === 'RejectOrder') {
            await repository.handle(productDecider, productRef(short), { type: 'RestockProduct', data: { quantity: 1 } }, byClient('other-run'));
            await repository.handle(productDecider, productRef(short), { type: 'ReserveProductQuantity', data: { orderId: order.aggregateId, quantity: 1 } }, byClient('other-run'));
            await repository.handle(orderDecider, order, { type: 'ConfirmOrder', data: {} }, byClient('other-run'));
          }
          return repository.handle(...args);
        },
      }),
    );
    expect(await stale.handle(placed)).toBe('ignored');
    expect((await orderOf(placed)).state.status).toBe('confirmed');
    expect(await productState(a)).toMatchObject({ available: 3, reserved: 2 });
    expect(await productState(short)).toMatchObject({ available: 0, reserved: 1 });
  });

  it('releases every reservation when a confirmed order is cancelled, once', async () => {
    const [a, b] = [await createProduct(5), await createProduct(5)] as [string, string];
    const placed = await placeOrder([{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }]);
    await fulfilment.handle(placed);
    const { events } = await repository.handle(orderDecider, orderRef(placed.metadata.aggregateId), { type: 'CancelOrder', data: {} }, byClient('customer'));
    const cancelled = events[0] as StoredEvent;
    expect(await fulfilment.handle(cancelled)).toBe('released');
    expect(await fulfilment.handle(cancelled)).toBe('released');
    for (const id of [a, b]) {
      expect(await productState(id)).toMatchObject({ available: 5, reserved: 0, reservations: {} });
      expect((await eventsOf(productRef(id))).map((e) => e.type)).toEqual(['ProductCreated', 'ProductQuantityReserved', 'ProductQuantityReleased']);
    }
  });

  it('ignores events that need nothing', async () => {
    const a = await createProduct(5);
    const placed = await placeOrder([{ productId: a, quantity: 1 }]);
    await fulfilment.handle(placed);
    const [, confirmed] = await eventsOf(orderRef(placed.metadata.aggregateId));
    expect(await fulfilment.handle(confirmed as StoredEvent)).toBe('ignored');
  });

  it('links every event it causes to the event that caused it, with the same correlation id', async () => {
    const [a, short] = [await createProduct(5), await createProduct(0)] as [string, string];
    const confirmedOrder = await placeOrder([{ productId: a, quantity: 1 }]);
    const rejectedOrder = await placeOrder([{ productId: a, quantity: 1 }, { productId: short, quantity: 1 }]);
    await fulfilment.handle(confirmedOrder);
    await fulfilment.handle(rejectedOrder);
    for (const [trigger, expected] of [
      [confirmedOrder, ['ProductQuantityReserved', 'OrderConfirmed']],
      [rejectedOrder, ['ProductQuantityReserved', 'ProductQuantityReleased', 'OrderRejected']],
    ] as const) {
      const caused = await causedBy(trigger, [productRef(a), productRef(short), orderRef(trigger.metadata.aggregateId)]);
      expect(caused.map((e) => e.type).sort()).toEqual([...expected].sort());
      for (const event of caused) expect(event.metadata).toMatchObject({ causationId: trigger.eventId, correlationId: trigger.metadata.correlationId });
    }
    // Every event after the placement in these streams came from the process.
    const later = (await eventsOf(orderRef(rejectedOrder.metadata.aggregateId))).slice(1);
    for (const event of later) expect(event.metadata.causationId).toBe(rejectedOrder.eventId);
  });
});
