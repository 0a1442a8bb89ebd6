import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { send, closeAgent, type RawAnswer } from './fuzz-http';

// Security at the edges of the running services, beyond what the command and query API specs and
// protection.e2e.spec.ts check: tenancy on every route in both directions (G8), authentication on
// every route of both services, injection where the other specs do not aim, oversized and
// compressed bodies on every command, and clients that trickle their request.
const gateway = process.env['QUERY_GATEWAY_URL'] ?? '';
const commands = process.env['COMMAND_SERVICE_URL'] ?? '';
const [keyA = '', keyB = ''] = (process.env['API_KEYS'] ?? '').split(',').map((entry) => entry.split('=')[0] ?? '');

jest.setTimeout(60_000);

type Json = Record<string, unknown>;
const json = (answer: RawAnswer): Json => (answer.text ? (JSON.parse(answer.text) as Json) : {});
const post = (path: string, body: unknown, key: string | null = keyA, headers: Record<string, string> = {}) =>
  send({ base: commands, method: 'POST', path, headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'x-api-key': key }), ...headers }, body: Buffer.from(JSON.stringify(body)) });
const get = (path: string, key: string | null = keyA, headers: Record<string, string> = {}) => send({ base: gateway, method: 'GET', path, headers: { ...(key === null ? {} : { 'x-api-key': key }), ...headers } });

function expectProblem(answer: RawAnswer, status: number, what = ''): void {
  expect([what, answer.status]).toEqual([what, status]);
  expect(String(answer.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(json(answer)).toMatchObject({ status, type: expect.stringMatching(/^https:\/\/eventide\.dev\/problems\//) });
}

async function eventually(read: () => Promise<RawAnswer>, ok: (answer: RawAnswer) => boolean, what: string): Promise<RawAnswer> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await read();
    if (ok(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${answer.status} ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const commandRoutes = (product: string, order: string): [string, unknown][] => [
  [`/v1/products/${product}/price`, { price: 1 }],
  [`/v1/products/${product}/restock`, { quantity: 1 }],
  [`/v1/products/${product}/reservations`, { quantity: 1, orderId: 'o-security' }],
  [`/v1/products/${product}/releases`, { orderId: 'o-security' }],
  [`/v1/orders/${order}/payments`, { paymentId: 'p-security', amount: 10 }],
  [`/v1/orders/${order}/cancel`, {}],
];
const readRoutes = (product: string, order: string, customer: string) => [
  `/v1/products/${product}`, `/v1/products/${product}?atVersion=1`, `/v1/products/${product}?asOf=${encodeURIComponent(new Date().toISOString())}`, `/v1/products/${product}/stock`,
  `/v1/products/${product}/history`, `/v1/orders/${order}`, `/v1/orders/${order}/history`, `/v1/customers/${customer}/orders`, '/v1/products', '/v1/dashboard',
];

afterAll(() => closeAgent());

describe('tenancy on every route (G8)', () => {
  const a = { product: '', order: '', customer: `sec-${randomUUID().slice(0, 8)}` };

  beforeAll(async () => {
    expect(keyA && keyB).toBeTruthy();
    a.product = json(await post('/v1/products', { name: `Security probe ${a.customer}`, price: 10, quantity: 50 }))['id'] as string;
    a.order = json(await post('/v1/orders', { customerId: a.customer, lines: [{ productId: a.product, quantity: 1 }] }))['id'] as string;
    // Settled, and visible in every read model of tenant A, before tenant B tries anything.
    await eventually(() => get(`/v1/orders/${a.order}`), (r) => r.status === 200 && json(r)['status'] === 'confirmed', 'the order to be confirmed');
    await eventually(() => get(`/v1/products/${a.product}/stock`), (r) => r.status === 200 && json(r)['reservedStock'] === 1, 'the stock to show the reservation');
    await eventually(() => get('/v1/dashboard'), (r) => r.text.includes(a.order), "the order on A's dashboard");
  });

  it("tenant B's key changes nothing of tenant A through any command: 404 each time, and A's streams stay as they were", async () => {
    const historyOf = async () => [json(await get(`/v1/products/${a.product}/history`))['events'], json(await get(`/v1/orders/${a.order}/history`))['events']];
    const before = await historyOf();
    for (const [path, body] of commandRoutes(a.product, a.order)) {
      expectProblem(await post(path, body, keyB), 404, path);
      expectProblem(await post(path, body, keyB, { 'if-match': '"1"' }), 404, `${path} with If-Match`);
    }
    // Creating with A's ids gives B its own aggregates; A's stay untouched.
    expect((await post('/v1/products', { id: a.product, name: 'B lamp', price: 1, quantity: 1 }, keyB)).status).toBe(201);
    // B cannot order A's product: unknown in B's tenant.
    expectProblem(await post('/v1/orders', { customerId: a.customer, lines: [{ productId: `${a.product}-nope`, quantity: 1 }] }, keyB), 422);
    expect(await historyOf()).toEqual(before);
    expect(json(await get(`/v1/products/${a.product}`))).toMatchObject({ name: `Security probe ${a.customer}`, price: 10 });
  });

  it("tenant B's key sees nothing of tenant A on any read route", async () => {
    const fresh = `sec-${randomUUID().slice(0, 8)}`; // B created a product with A's product id above; this one only A has
    const onlyA = json(await post('/v1/products', { id: fresh, name: `Security probe ${fresh}`, price: 10, quantity: 5 }))['id'] as string;
    await eventually(() => get(`/v1/products/${onlyA}/stock`), (r) => r.status === 200, 'the stock of the new product');
    for (const path of readRoutes(onlyA, a.order, a.customer)) {
      const answer = await get(path, keyB);
      if (path.startsWith('/v1/customers') || path === '/v1/products' || path === '/v1/dashboard') {
        expect([path, answer.status]).toEqual([path, 200]);
        expect(answer.text).not.toContain(onlyA);
        expect(answer.text).not.toContain(a.order);
      } else {
        expectProblem(answer, 404, path);
      }
    }
    expect(json(await get(`/v1/products?q=${encodeURIComponent(`security probe ${fresh}`)}`, keyB))['items']).toEqual([]);
  });

  it('an Idempotency-Key is per tenant: B reusing A\'s key neither replays A\'s answer nor is refused as a reuse', async () => {
    const key = randomUUID();
    const body = { name: 'Idempotent lamp', price: 3, quantity: 1 };
    const first = await post('/v1/products', body, keyA, { 'idempotency-key': key });
    const other = await post('/v1/products', body, keyB, { 'idempotency-key': key });
    expect([first.status, other.status]).toEqual([201, 201]);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(json(other)['id']).not.toBe(json(first)['id']);
    expectProblem(await get(`/v1/products/${json(other)['id'] as string}/history`, keyA), 404);
  });
});

describe('authentication on every route of both services', () => {
  const id = 'sec-auth-probe';
  const routes: ['commands' | 'gateway', string][] = [
    ['commands', '/v1/products'], ...commandRoutes(id, id).map(([path]) => ['commands', path] as ['commands', string]), ['commands', '/v1/orders'],
    ...readRoutes(id, id, id).map((path) => ['gateway', path] as ['gateway', string]),
  ];
  const refusals: [string, Record<string, string>, string][] = [
    ['no key', {}, ''],
    ['an unknown key', { 'x-api-key': `nope-${randomUUID()}` }, ''],
    ['an empty key', { 'x-api-key': '' }, ''],
    ['a bare Bearer', { authorization: 'Bearer' }, ''],
    ['a Bearer with two tokens', { authorization: `Bearer ${keyA} ${keyA}` }, ''],
    ['Basic credentials', { authorization: `Basic ${Buffer.from(`${keyA}:`).toString('base64')}` }, ''],
    ['a key under another scheme', { authorization: `Token ${keyA}` }, ''],
    ['a key in the query string (api_key)', {}, `api_key=${encodeURIComponent(keyA)}`],
    ['a key in the query string (x-api-key)', {}, `x-api-key=${encodeURIComponent(keyA)}`],
    ['a key in the query string (access_token)', {}, `access_token=${encodeURIComponent(keyA)}`],
  ];

  it.each(refusals)('refuses %s with 401 problem+json and WWW-Authenticate on every route', async (_, headers, query) => {
    for (const [service, path] of routes) {
      const target = query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
      const answer =
        service === 'commands'
          ? await send({ base: commands, method: 'POST', path: target, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from('{}') })
          : await send({ base: gateway, method: 'GET', path: target, headers });
      expectProblem(answer, 401, `${service} ${target}`);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
    }
  });
});

describe('operator injection where the API specs do not aim (G7)', () => {
  it('treats a name search as a literal prefix: regex metacharacters match nothing', async () => {
    const created = json(await post('/v1/products', { name: `Inject ${randomUUID().slice(0, 6)}`, price: 1, quantity: 1 }));
    await eventually(() => get(`/v1/products/${created['id'] as string}`, keyA, { 'x-consistency-token': created['consistencyToken'] as string }), (r) => r.status === 200, 'the product');
    for (const q of ['.*', '.', '^', '[a-z]', '(?:)', '\\', 'i.*']) {
      const answer = await get(`/v1/products?q=${encodeURIComponent(q)}&limit=100`);
      expect([q, answer.status]).toEqual([q, 200]);
      expect((json(answer)['items'] as Json[]).map((i) => i['id'])).not.toContain(created['id']);
    }
  });

  it.each([
    ['an operator as a line product', { customerId: 'c-1', lines: [{ productId: { $ne: null }, quantity: 1 }] }],
    ['an operator as the customer', { customerId: { $gt: '' }, lines: [{ productId: 'p', quantity: 1 }] }],
    ['an operator as the lines', { customerId: 'c-1', lines: { $size: 1 } }],
    ['an operator in a line', { customerId: 'c-1', lines: [{ productId: 'p', quantity: 1, $where: '1' }] }],
    ['a prototype key in a line', JSON.parse('{"customerId":"c-1","lines":[{"productId":"p","quantity":1,"__proto__":{"quantity":5}}]}') as unknown],
    ['a dotted key', { customerId: 'c-1', lines: [{ productId: 'p', quantity: 1 }], 'lines.0.quantity': 5 }],
  ])('refuses %s in an order with 400', async (_, body) => {
    expectProblem(await post('/v1/orders', body), 400);
  });

  it.each(['%7B%22%24gt%22%3A%22%22%7D', '%5B%24ne%5D', '%24regex', 'a%00b', '..%5C..%5Cwindows'])('refuses the id %s in every id position with 400 or 404', async (raw) => {
    for (const path of [`/v1/products/${raw}`, `/v1/orders/${raw}`, `/v1/customers/${raw}/orders`, `/v1/products/${raw}/history`]) {
      const answer = await get(path);
      expect([path, [400, 404].includes(answer.status)]).toEqual([path, true]);
      expectProblem(answer, answer.status, path);
    }
  });
});

describe('bodies too large', () => {
  it('answers 413 problem+json on every command route', async () => {
    const big = 'x'.repeat(150_000);
    for (const [path] of [['/v1/products'], ['/v1/orders'], ...commandRoutes('sec-big', 'sec-big')]) {
      expectProblem(await post(path as string, { description: big }), 413, path as string);
    }
  });

  it('measures the limit after decompression: a small gzip bomb is a 413, a corrupt gzip body a 400', async () => {
    const bomb = gzipSync(Buffer.from(`{"description":"${'0'.repeat(5_000_000)}"}`));
    expect(bomb.length).toBeLessThan(100_000);
    const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': keyA };
    expectProblem(await send({ base: commands, method: 'POST', path: '/v1/products', headers, body: bomb }), 413);
    expectProblem(await send({ base: commands, method: 'POST', path: '/v1/products', headers, body: Buffer.from('not gzip at all') }), 400);
    // A well-formed gzip body is read like any other.
    const ok = gzipSync(Buffer.from(JSON.stringify({ name: 'Gzip lamp', price: 1, quantity: 1 })));
    expect((await send({ base: commands, method: 'POST', path: '/v1/products', headers, body: ok })).status).toBe(201);
  });
});

/** A raw answer is problem+json of `kind` and closes the connection (Node's own 400, 408 and 431 included). */
function expectRawProblem(reply: string, status: number, kind: string): void {
  const [head = '', body = ''] = reply.split('\r\n\r\n');
  expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
  expect(head).toMatch(/\r\nconnection: close/i);
  expect(JSON.parse(body)).toMatchObject({ status, type: `https://eventide.dev/problems/${kind}` });
}

/** Writes a raw request and resolves with everything the server said before it closed the connection. */
function rawExchange(base: string, request: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let reply = '';
    const socket = connect(Number(url.port), url.hostname, () => socket.write(request));
    const giveUp = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve(reply);
    });
  });
}

describe("what Node's HTTP parser refuses before any handler runs, answered as problem+json", () => {
  it.each([
    ['gateway', () => gateway],
    ['commands', () => commands],
  ])('%s: a malformed request line is a 400, headers over 16 kB a 431', async (_name, base) => {
    expectRawProblem(await rawExchange(base(), 'GET /v1/products HTTP/1.1 trailing junk\r\nHost: x\r\n\r\n'), 400, 'malformed-http');
    expectRawProblem(await rawExchange(base(), `GET /v1/products HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${keyA}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'headers-too-large');
  });
});

describe('clients that trickle their request (headersTimeout 10 s, requestTimeout 30 s)', () => {
  /** Opens a raw connection, writes `start`, then one `drip` a second; resolves with what the server said and when it hung up. */
  function trickle(base: string, start: string, drip: string, giveUpMs: number): Promise<{ closedAfterMs: number; reply: string }> {
    const url = new URL(base);
    return new Promise((resolve) => {
      const began = Date.now();
      let reply = '';
      const socket = connect(Number(url.port), url.hostname, () => socket.write(start));
      const timer = setInterval(() => socket.writable && socket.write(drip), 1000);
      const done = () => {
        clearInterval(timer);
        clearTimeout(giveUp);
        resolve({ closedAfterMs: Date.now() - began, reply });
      };
      const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
      socket.on('data', (chunk: Buffer) => (reply += chunk.toString('utf8')));
      socket.on('close', done);
      socket.on('error', () => undefined);
    });
  }

  it('cuts off a client that sends its headers slowly soon after 10 s', async () => {
    const [gw, cmd] = await Promise.all([
      trickle(gateway, `GET /v1/dashboard HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${keyA}\r\n`, 'X-Slow: 1\r\n', 25_000),
      trickle(commands, `POST /v1/products HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${keyA}\r\n`, 'X-Slow: 1\r\n', 25_000),
    ]);
    for (const result of [gw, cmd]) {
      expect(result.closedAfterMs).toBeGreaterThanOrEqual(9_500);
      expect(result.closedAfterMs).toBeLessThan(14_000);
      expectRawProblem(result.reply, 408, 'request-timeout');
    }
  }, 40_000);

  it('cuts off a client that sends its body slowly soon after 30 s', async () => {
    const head = `POST /v1/products HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${keyA}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"`;
    const result = await trickle(commands, head, 'x', 45_000);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(29_500);
    expect(result.closedAfterMs).toBeLessThan(34_000);
    expectRawProblem(result.reply, 408, 'request-timeout');
  }, 60_000);
});
