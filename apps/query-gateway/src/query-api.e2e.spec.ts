import { randomUUID } from 'node:crypto';

// Against the running stack that `npm test` started (QUERY_GATEWAY_URL, COMMAND_SERVICE_URL, API_KEYS with two tenants).
const gateway = process.env['QUERY_GATEWAY_URL'];
const commands = process.env['COMMAND_SERVICE_URL'];
const [keyA, keyB] = (process.env['API_KEYS'] ?? '').split(',').map((entry) => entry.split('=')[0] as string);

jest.setTimeout(60_000);

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}
type Json = Record<string, unknown>;

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Json) : {} };
}

async function command(path: string, body: unknown): Promise<Json> {
  const answer = await answerOf(await fetch(`${commands}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keyA as string }, body: JSON.stringify(body) }));
  if (answer.status >= 300) throw new Error(`${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function get(path: string, headers: Record<string, string> = {}, key: string | null = keyA ?? null): Promise<Answer> {
  return answerOf(await fetch(`${gateway}${path}`, { headers: { ...(key ? { 'x-api-key': key } : {}), ...headers } }));
}

const withToken = (written: Json) => ({ 'x-consistency-token': written['consistencyToken'] as string });

function expectProblem(answer: Answer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body['type']).toMatch(/^https:\/\/eventide\.dev\/problems\//);
}

async function eventually(read: () => Promise<Answer>, ok: (answer: Answer) => boolean, what: string): Promise<Answer> {
  const deadline = Date.now() + 20_000;
  let last: Answer | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(last?.body)}`);
}

const createProduct = (name: string, price: number, quantity: number) => command('/v1/products', { name, description: `${name} for the gateway test`, price, quantity });

describe('query gateway (running stack)', () => {
  const story: { lamp?: string; desk?: string; order?: string; customer: string } = { customer: `cust-${randomUUID()}` };

  beforeAll(() => {
    expect(gateway).toMatch(/^http:/);
    expect(commands).toMatch(/^http:/);
    expect(keyA && keyB).toBeTruthy();
  });

  it('reads products back with the consistency token of their creation, without sleeping (G6)', async () => {
    const lamp = await createProduct('Gateway lamp', 12.5, 100);
    const desk = await createProduct('Gateway desk', 100.25, 5);
    [story.lamp, story.desk] = [lamp['id'] as string, desk['id'] as string];
    const read = await get(`/v1/products/${story.lamp}`, withToken(lamp));
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: story.lamp, name: 'Gateway lamp', description: 'Gateway lamp for the gateway test', price: 12.5, availableStock: 100, reservedStock: 0, createdAt: expect.any(String), updatedAt: expect.any(String), version: 1 });
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.headers.get('cache-control')).toBe('private, no-cache');
    expect((await get(`/v1/products/${story.desk}/stock`, withToken(desk))).body).toEqual({ id: story.desk, availableStock: 5, reservedStock: 0, version: 1 });
  });

  it('follows an order from placement to payment through every order read model', async () => {
    const placed = await command('/v1/orders', { customerId: story.customer, lines: [{ productId: story.lamp, quantity: 40 }, { productId: story.desk, quantity: 1 }] });
    story.order = placed['id'] as string;
    const pending = await get(`/v1/orders/${story.order}`, withToken(placed));
    expect(pending.status).toBe(200);
    expect(['pending', 'confirmed']).toContain(pending.body['status']);
    await eventually(() => get(`/v1/orders/${story.order}`), (a) => a.body['status'] === 'confirmed', 'the order to be confirmed');
    const paid = await command(`/v1/orders/${story.order}/payments`, { paymentId: `pay-${story.order}`, amount: 600.25 });

    const details = await get(`/v1/orders/${story.order}`, withToken(paid));
    expect(details.body).toMatchObject({
      id: story.order, customerId: story.customer, status: 'paid', total: 600.25, version: 3,
      lines: [{ productId: story.lamp, quantity: 40, unitPrice: 12.5, lineTotal: 500 }, { productId: story.desk, quantity: 1, unitPrice: 100.25, lineTotal: 100.25 }],
      payment: { paymentId: `pay-${story.order}`, amount: 600.25 },
    });
    expect(details.headers.get('etag')).toBe('"3"');

    // The token waits until every view of the family has the write, so the list shows it at once.
    const list = await get(`/v1/customers/${story.customer}/orders`, withToken(paid));
    expect(list.body).toEqual({ items: [{ orderId: story.order, status: 'paid', total: 600.25, lineCount: 2, placedAt: expect.any(String), updatedAt: expect.any(String) }], nextCursor: null });

    const history = await get(`/v1/orders/${story.order}/history`);
    const events = history.body['events'] as { type: string; version: number; data: Json; metadata: Json }[];
    expect(events.map((e) => [e.type, e.version])).toEqual([['OrderPlaced', 1], ['OrderConfirmed', 2], ['PaymentCaptured', 3]]);
    expect(events[0]?.data['total']).toBe(60025); // as stored: minor units
    for (const event of events) expect(event.metadata).toMatchObject({ correlationId: expect.any(String), causationId: expect.any(String), aggregateId: story.order });
    expect(events[1]?.metadata['causationId']).toBe(events[0]?.metadata['eventId']);
    expect((await get(`/v1/orders/${story.order}/history?fromVersion=2&limit=1`)).body['events']).toEqual([events[1]]);

    const dashboard = await get('/v1/dashboard', withToken(paid));
    expect(Number(dashboard.body['revenue'])).toBeGreaterThanOrEqual(600.25);
    expect(dashboard.body['latestOrders']).toContainEqual({ id: story.order, customerId: story.customer, total: 600.25, status: 'paid', placedAt: expect.any(String) });
    const stock = await eventually(() => get(`/v1/products/${story.lamp}/stock`), (a) => a.body['reservedStock'] === 40, 'stock to show the reservation');
    expect(stock.body).toMatchObject({ availableStock: 60, reservedStock: 40 });
    const top = await eventually(() => get('/v1/dashboard'), (a) => (a.body['topProducts'] as Json[]).some((p) => p['productId'] === story.lamp), 'the lamp among the best sellers');
    expect(top.body['topProducts']).toContainEqual({ productId: story.lamp, unitsSold: 40 });
    expect((await get(`/v1/products/${story.lamp}/history`)).body['events']).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'ProductQuantityReserved', data: expect.objectContaining({ orderId: story.order, quantityReserved: 40 }) })]));
  });

  it('answers temporal queries from the event store: as of a version or an instant', async () => {
    const created = await createProduct('Temporal mug', 10, 3);
    const id = created['id'] as string;
    await new Promise((resolve) => setTimeout(resolve, 20)); // so that `before` falls strictly between the two events
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const updated = await command(`/v1/products/${id}/price`, { price: 15 });
    expect((await get(`/v1/products/${id}`, withToken(updated))).body).toMatchObject({ price: 15, version: 2 });
    const atV1 = await get(`/v1/products/${id}?atVersion=1`);
    expect(atV1.body).toMatchObject({ id, name: 'Temporal mug', price: 10, availableStock: 3, reservedStock: 0, version: 1 });
    expect(atV1.body['createdAt']).toBe(atV1.body['updatedAt']);
    expect((await get(`/v1/products/${id}?asOf=${encodeURIComponent(before)}`)).body).toMatchObject({ price: 10, version: 1 });
    expect((await get(`/v1/products/${id}?asOf=${encodeURIComponent(new Date().toISOString())}`)).body).toMatchObject({ price: 15, version: 2 });
    expectProblem(await get(`/v1/products/${id}?asOf=2000-01-01T00:00:00Z`), 404);
    expectProblem(await get(`/v1/products/${id}?atVersion=99`), 404);
    expectProblem(await get(`/v1/products/${id}?atVersion=1&asOf=${encodeURIComponent(before)}`), 400);
  });

  it('pages a filtered product list with cursors, each product exactly once', async () => {
    const prefix = `Page-${randomUUID().slice(0, 8)}`;
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await createProduct(`${prefix} item ${i}`, 5 + i, 1));
    for (const c of created) expect((await get(`/v1/products?q=${prefix}&limit=1`, withToken(c))).status).toBe(200);
    const collect = async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Answer = await get(`/v1/products?q=${prefix.toLowerCase()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        expect((page.body['items'] as Json[]).length).toBeLessThanOrEqual(2);
        seen.push(...(page.body['items'] as Json[]).map((item) => item['id'] as string));
        cursor = page.body['nextCursor'] as string | null;
      } while (cursor);
      return seen;
    };
    // Every create's token was waited for above, so the list already holds all five.
    const seen = await collect();
    expect(seen.sort()).toEqual(created.map((c) => c['id'] as string).sort());
    const cheap = await get(`/v1/products?q=${prefix}&maxPrice=6.00`);
    expect((cheap.body['items'] as Json[]).map((i) => i['price'])).toEqual(expect.arrayContaining([5, 6]));
    expect((cheap.body['items'] as Json[]).length).toBe(2);
  });

  it('answers 304 to If-None-Match with the current ETag, 200 to a stale one', async () => {
    for (const path of [`/v1/products/${story.lamp}`, `/v1/orders/${story.order}`]) {
      const first = await get(path);
      const etag = first.headers.get('etag') as string;
      expect(etag).toMatch(/^"\d+"$/);
      const again = await fetch(`${gateway}${path}`, { headers: { 'x-api-key': keyA as string, 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect((await get(path, { 'if-none-match': `W/${etag}` })).status).toBe(304);
      expect((await get(path, { 'if-none-match': '"0"' })).status).toBe(200);
    }
  });

  it('keeps tenants apart on every route (G8)', async () => {
    for (const path of [`/v1/products/${story.lamp}`, `/v1/products/${story.lamp}?atVersion=1`, `/v1/products/${story.lamp}/stock`, `/v1/products/${story.lamp}/history`, `/v1/orders/${story.order}`, `/v1/orders/${story.order}/history`]) {
      expectProblem(await get(path, {}, keyB ?? null), 404);
    }
    expect((await get(`/v1/customers/${story.customer}/orders`, {}, keyB ?? null)).body).toEqual({ items: [], nextCursor: null });
    expect((await get('/v1/products?q=gateway%20lamp', {}, keyB ?? null)).body['items']).toEqual([]);
    const dashboard = await get('/v1/dashboard', {}, keyB ?? null);
    expect(dashboard.status).toBe(200);
    expect(JSON.stringify(dashboard.body)).not.toContain(story.order as string);
    expect(JSON.stringify(dashboard.body)).not.toContain(story.lamp as string);
    const tokenOfA = await command(`/v1/products/${story.desk}/restock`, { quantity: 1 });
    expectProblem(await get(`/v1/products/${story.desk}`, withToken(tokenOfA), keyB ?? null), 400);
    expectProblem(await get('/v1/dashboard', withToken(tokenOfA), keyB ?? null), 400);
  });

  it.each([
    '/v1/products?limit=1000', '/v1/products?limit=abc', '/v1/products?limit=0', '/v1/products?minPrice[$gt]=', '/v1/products?q[$ne]=x',
    '/v1/products?cursor=!!!', '/v1/products?foo=1', '/v1/products?limit=1&limit=2', '/v1/products?minPrice=1.001', '/v1/products/..%2F..%2Fetc',
    '/v1/products/%24where', '/v1/products/x?asOf=yesterday', '/v1/products/x?atVersion=0', '/v1/products/%24where/stock', '/v1/products/x/history?limit=1001',
    '/v1/orders/%24where', '/v1/orders/x?foo=1', '/v1/orders/..%2F..%2Fetc/history', '/v1/customers/%24where/orders', '/v1/customers/c1/orders?cursor=e30',
    '/v1/dashboard?x=1',
  ])('refuses the hostile query %s with 400 problem+json (G7)', async (path) => {
    expectProblem(await get(path), 400);
  });

  it.each(['/v1/products', '/v1/products/x', '/v1/products/x/stock', '/v1/products/x/history', '/v1/dashboard', '/v1/orders/x', '/v1/orders/x/history', '/v1/customers/c/orders'])(
    'answers 401 without a key: %s',
    async (path) => {
      expectProblem(await get(path, {}, null), 401);
      expect((await get(path, { authorization: `Bearer ${keyA}` }, null)).status).not.toBe(401);
    },
  );

  it('answers 404 problem+json for unknown ids and serves its OpenAPI document', async () => {
    expectProblem(await get(`/v1/products/${randomUUID()}`), 404);
    expectProblem(await get(`/v1/orders/${randomUUID()}/history`), 404);
    const docs = await fetch(`${gateway}/docs-json`);
    expect(docs.status).toBe(200);
    expect(Object.keys(((await docs.json()) as { paths: Json }).paths)).toContain('/v1/products/{id}/history');
  });
});
