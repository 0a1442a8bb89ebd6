import Redis from 'ioredis';
import { MongoClient } from 'mongodb';
import { GenerationRegistry, readModelCollection, readModelId, redisReadModelKey } from '@eventide/projections';
import { familyNames } from '@eventide/read-side';
import { redisKeys } from '@eventide/domain';

// The whole write-to-read path of the running stack: command API -> event store -> outbox
// publisher -> Kafka -> fulfilment process and both projectors -> MongoDB and Redis read models.
const commandUrl = process.env['COMMAND_SERVICE_URL'];
const [firstKey] = (process.env['API_KEYS'] ?? '').split(',');
const [apiKey, tenant] = (firstKey ?? '').split('=') as [string, string];

jest.setTimeout(60_000);

async function command(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${commandUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}; last seen ${JSON.stringify(last)}`);
}

describe('read side of the running stack', () => {
  const mongo = new MongoClient(process.env['MONGO_URL'] ?? '');
  const redis = new Redis(process.env['REDIS_URL'] ?? '', { lazyConnect: true });
  const db = () => mongo.db(process.env['MONGO_DB'] ?? 'eventide');
  const registry = () => new GenerationRegistry(db());
  const active = async (family: string) => (await registry().read(family))?.active ?? 1;

  beforeAll(async () => {
    expect(commandUrl).toMatch(/^http:/);
    await mongo.connect();
    await redis.connect();
  });
  afterAll(async () => {
    await mongo.close();
    redis.disconnect();
  });

  const mongoDoc = async (view: string, id: string) =>
    db().collection<{ _id: string }>(readModelCollection(view, await active(familyNames.mongo))).findOne({ _id: readModelId(tenant, id) });
  const redisHash = async (key: string) => redis.hgetall(redisReadModelKey(familyNames.redis, await active(familyNames.redis), tenant, key));

  it('projects a product and a confirmed, paid order into every MongoDB and Redis read model', async () => {
    const lamp = (await command('/v1/products', { name: 'Reading lamp', description: 'brass', price: 25.5, quantity: 10 }))['id'] as string;
    await command(`/v1/products/${lamp}/restock`, { quantity: 5 });
    const order = (await command('/v1/orders', { customerId: `cust-${lamp}`, lines: [{ productId: lamp, quantity: 3 }] }))['id'] as string;

    const details = await eventually(() => mongoDoc('order-details', order), (d) => (d as { status?: string } | null)?.status === 'confirmed', 'the order to be confirmed in OrderDetails');
    expect(details).toMatchObject({ id: order, customerId: `cust-${lamp}`, total: 7650, status: 'confirmed' });
    await command(`/v1/orders/${order}/payments`, { amount: 76.5, paymentId: `pay-${order}` });

    await eventually(() => mongoDoc('customer-orders', order), (d) => (d as { status?: string } | null)?.status === 'paid', 'the customer history to show it paid');
    const product = await eventually(() => mongoDoc('product-details', lamp), (d) => (d as { reservedStock?: number } | null)?.reservedStock === 3, 'ProductDetails to show the reservation');
    expect(product).toMatchObject({ name: 'Reading lamp', price: 2550, availableStock: 12, reservedStock: 3 });
    expect(await mongoDoc('product-summary', lamp)).toMatchObject({ name: 'Reading lamp', nameLower: 'reading lamp', price: 2550 });

    const stock = await eventually(() => redisHash(redisKeys.stock(lamp)), (s) => s['reservedStock'] === '3', 'Redis stock to show the reservation');
    expect(stock).toMatchObject({ availableStock: '12', reservedStock: '3' });
    const latest = await eventually(() => redisHash(redisKeys.order(order)), (o) => o['status'] === 'paid', 'the latest-orders entry to show it paid');
    expect(latest).toMatchObject({ id: order, total: '7650' });
    const dashboard = await redisHash(redisKeys.dashboard);
    expect(Number(dashboard['ordersPlaced'])).toBeGreaterThanOrEqual(1);
    expect(Number(dashboard['revenue'])).toBeGreaterThanOrEqual(7650);
  });
});
