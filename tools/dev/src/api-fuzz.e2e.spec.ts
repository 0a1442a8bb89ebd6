import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { MongoClient } from 'mongodb';
import { closeAgent, contractViolation, send, type RawAnswer, type RawRequest } from './fuzz-http';

// Property-based fuzzing of both HTTP APIs of the running stack (G7, §3): random and hostile bodies,
// headers, paths, methods and query strings. Every answer must be below 500 (a 503 or 504 only with
// its own problem type; a 500 always fails), every 4xx must be problem+json with a stable type and
// its status, and the hostile requests of a dedicated tenant must store nothing in the event store.
// FUZZ_RUNS sets how many inputs each property tries (default sized for ~1 minute in CI); FUZZ_SEED
// replays a run.
const gateway = process.env['QUERY_GATEWAY_URL'] ?? '';
const commands = process.env['COMMAND_SERVICE_URL'] ?? '';
const entries = (process.env['API_KEYS'] ?? '')
  .split(',')
  .filter(Boolean)
  .map((entry) => entry.split('=') as [string, string]);
// The e2e runner adds keys of a tenant nobody else writes to (`fuzz-*`); several keys, so the per-key
// rate limit is not what answers. Without them, the last tenant's keys stand in.
const fuzzTenant = entries.find(([, tenant]) => tenant.startsWith('fuzz'))?.[1] ?? entries.at(-1)?.[1] ?? '';
const fuzzKeys = entries.filter(([, tenant]) => tenant === fuzzTenant).map(([key]) => key);
const otherKey = entries.find(([, tenant]) => tenant !== fuzzTenant)?.[0] ?? '';
const runs = Number(process.env['FUZZ_RUNS'] ?? 2500);
const seed = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : Date.now() % 2 ** 31;

jest.setTimeout(240_000);

// ---------- the stats the docs cite ----------
const stats = { tried: 0, byStatus: new Map<number, number>(), fiveHundreds: 0, rateLimited: 0, violations: [] as string[] };
function record(req: RawRequest, answer: RawAnswer): void {
  stats.tried++;
  stats.byStatus.set(answer.status, (stats.byStatus.get(answer.status) ?? 0) + 1);
  if (answer.status >= 500) stats.fiveHundreds++;
  if (answer.status === 429) stats.rateLimited++;
  const violation = contractViolation(req.method, answer);
  if (violation && stats.violations.length < 1000) stats.violations.push(`${req.method} ${req.base === gateway ? 'gateway' : 'commands'}${req.path} [${Object.keys(req.headers).join(',')}] ${req.body ? `body ${JSON.stringify(req.body.toString('utf8').slice(0, 120))}` : ''} -> ${violation}`);
}

let keyTurn = 0;
const nextFuzzKey = () => fuzzKeys[keyTurn++ % fuzzKeys.length] ?? '';

// ---------- arbitraries ----------
const hostileStrings = [
  '', ' ', '0', '-1', '1e400', '-1e400', 'NaN', 'Infinity', '-Infinity', '0x10', '1_000', '9007199254740993', '1.001', '١٢٣', 'null', 'undefined', 'true',
  '{"$gt":""}', '$where', '$gt', '$ne', '$regex', '__proto__', 'constructor', 'prototype', '../../etc/passwd', '..\\..\\windows', '%00', '\u0000', "'; DROP TABLE x; --",
  '<script>alert(1)</script>', 'a'.repeat(300), '😀'.repeat(40), '\u202e\u200b', 'true; sleep(1000)', 'this.a == this.a',
];
const hostileString = fc.oneof(fc.constantFrom(...hostileStrings), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.001, 0.005, 1e-7, 1e9 + 1, 1e21, 1.7976931348623157e308, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const operatorObject = fc.oneof(
  fc.constantFrom<unknown>({ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, { $regex: '.*' }, { $in: [1, 2] }, { $expr: { $eq: [1, 1] } }, { __proto__: { admin: true } }, JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: { polluted: 1 } } }),
  fc.dictionary(fc.constantFrom('$gt', '$lt', '$ne', '$exists', '$where', '$regex', '$or'), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 2 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 2, arbitrary: operatorObject },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [[[[[[]]]]]]) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const fieldNames = ['id', 'name', 'description', 'price', 'quantity', 'orderId', 'customerId', 'lines', 'productId', 'paymentId', 'amount', 'reason'];
const unknownKey = fc.constantFrom('$where', '$gt', '__proto__', 'constructor', 'prototype', 'admin', 'tenant', 'version', '_id', 'a.b', '', ' name', 'Name');
const validId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

/** An object body with command fields set to hostile values, and always one key no schema knows: never a valid command. */
const hostileObject = fc
  .tuple(fc.dictionary(fc.constantFrom(...fieldNames), hostileValue, { maxKeys: 6 }), unknownKey, hostileValue)
  .map(([fields, key, value]) => {
    const body = { ...fields };
    Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
    return body;
  });
const plausibleObject = fc.record(
  { name: fc.oneof(fc.constant('Fuzz lamp'), hostileValue), price: fc.oneof(fc.constant(9.99), hostileValue), quantity: fc.oneof(fc.constant(1), hostileValue), description: hostileValue },
  { requiredKeys: [] },
);

type BodyKind = { kind: 'json'; value: unknown } | { kind: 'bytes'; value: Uint8Array } | { kind: 'text'; value: string } | { kind: 'none' };
/** A body that can never be a valid command, whatever the route. */
const invalidBody: fc.Arbitrary<BodyKind> = fc.oneof(
  { weight: 6, arbitrary: hostileObject.map((value) => ({ kind: 'json' as const, value })) },
  { weight: 2, arbitrary: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }), fc.string(), fc.double(), fc.constant(null), fc.boolean()).map((value) => ({ kind: 'json' as const, value })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((value) => ({ kind: 'bytes' as const, value })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '{',
        '{"name":"x",',
        '{"name":"x"}}',
        "{'name':'x'}",
        '{"name":"x","name":{"$gt":""}}',
        'NaN',
        '[]',
        '[1,2,3]',
        '{"price":1e400}',
        '{"price":-0}',
        `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
        '['.repeat(40_000) + ']'.repeat(40_000),
        `{"description":"${'x'.repeat(150_000)}"}`,
        '\uFEFF{"name":"x"}',
        '{"name":"\\ud800"}',
        '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
      )
      .map((value) => ({ kind: 'text' as const, value })),
  },
);
/** Mostly invalid; sometimes a plausible create body (whose 2xx is allowed outside the counted window). */
const anyBody: fc.Arbitrary<BodyKind> = fc.oneof(
  { weight: 4, arbitrary: invalidBody },
  { weight: 2, arbitrary: plausibleObject.map((value) => ({ kind: 'json' as const, value })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'json' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
);

const encodedHostileIds = [
  '..%2F..%2Fetc%2Fpasswd', '..', '.', '%2e%2e', '%2e%2e%2f', '%24gt', '%24where', '%7B%22%24gt%22%3A%22%22%7D', '%00', '%0A', '%E0%A4%A', '%FF', '%ZZ', '%', 'a%2Fb',
  '__proto__', 'constructor', 'prototype', 'a'.repeat(65), '%20', '%C3%A9', '%F0%9F%98%80', 'a;b', 'a,b', '~', '*', 'a%5B%5D', '-', '_',
];
const pathId = (existing: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...encodedHostileIds) },
    { weight: 2, arbitrary: validId },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
    { weight: existing.length ? 2 : 0, arbitrary: existing.length ? fc.constantFrom(...existing) : fc.constant('x') },
  );

const queryKeys = ['limit', 'cursor', 'minPrice', 'maxPrice', 'q', 'asOf', 'atVersion', 'fromVersion', 'foo', 'limit[]', 'q[$ne]', 'minPrice[$gt]', '__proto__[x]', 'constructor[prototype][x]', 'a[0]', 'a[99999]', '$where', 'cursor[]'];
const queryValue = fc.oneof(
  hostileString,
  fc.constantFrom('1', '20', '100', '101', '1000', '1001', '99999999', '1.5', '2024-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '2024-13-45T99:99:99Z', '+275760-09-13T00:00:00Z', 'yesterday', 'e30', 'WyJhIl0', 'WyJhIiwiYiJd', 'bnVsbA', '!!!', 'x'.repeat(600)),
  fc.base64String({ maxLength: 40 }).map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')),
);
const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...queryKeys), fc.string({ maxLength: 8 })), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%24/g, '$')}=${encodeURIComponent(v)}`).join('&')}` : ''));

const token = (tenant: string, type: string, id: string, version: unknown) => Buffer.from(JSON.stringify([1, tenant, type, id, version])).toString('base64url');
const consistencyHeaders = fc.oneof(
  fc.constant({}),
  fc
    .tuple(
      fc.oneof(
        fc.tuple(fc.constantFrom('fuzz', 'other'), fc.constantFrom('product', 'order', '__proto__', 'constructor', 'x'), validId, fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, 1e300, '1', null))).map(([who, type, id, version]) => token(who === 'fuzz' ? fuzzTenant : 'someone-else', type, id, version)),
        hostileString.filter((s) => /^[\x20-\x7e]*$/.test(s)),
        fc.base64String({ maxLength: 60 }),
      ),
      // Always with a short (or invalid) timeout: a valid token of ours must not make the run wait 5 s.
      fc.constantFrom('1', '10', '50', '0', '-1', '30001', '1e3', '99999999', ' 5', '5.5', ''),
    )
    .map(([t, ms]) => ({ 'x-consistency-token': t, 'x-consistency-timeout-ms': ms })),
);

type Auth = 'fuzz' | 'none' | 'unknown' | 'bearer' | 'bearer-lower' | 'bearer-bad' | 'basic' | 'duplicate' | 'duplicate-mixed' | 'empty' | 'other';
const authHeaders = (auth: Auth): Record<string, string | string[]> => {
  const key = nextFuzzKey();
  switch (auth) {
    case 'fuzz':
      return { 'x-api-key': key };
    case 'none':
      return {};
    case 'unknown':
      return { 'x-api-key': `nope-${randomUUID()}` };
    case 'bearer':
      return { authorization: `Bearer ${key}` };
    case 'bearer-lower':
      return { authorization: `bearer ${key}` };
    case 'bearer-bad':
      return { authorization: `Bearer ${key} extra` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };
    case 'duplicate':
      return { 'x-api-key': [key, key] };
    case 'duplicate-mixed':
      return { 'x-api-key': [key, `nope-${randomUUID()}`] };
    case 'empty':
      return { 'x-api-key': '' };
    case 'other':
      return { 'x-api-key': otherKey };
  }
};
const auth = fc.oneof({ weight: 12, arbitrary: fc.constant<Auth>('fuzz') }, { weight: 4, arbitrary: fc.constantFrom<Auth>('none', 'unknown', 'bearer', 'bearer-lower', 'bearer-bad', 'basic', 'duplicate', 'duplicate-mixed', 'empty', 'other') });

const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const commandHeaders = fc.record(
  {
    'if-match': fc.oneof(fc.constantFrom('"1"', '1', 'W/"1"', '"0"', '"-1"', '*', '"1e3"', '"99999999999999999"', '"1", "2"', '', 'null'), printable),
    'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom('', ' ', 'a'.repeat(201), 'ключ'.normalize(), '\xe9t\xe9', 'a b', '$gt', '__proto__'), printable),
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=utf-7', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/merge-patch+json', '', 'application/json, text/plain', 'APPLICATION/JSON'),
    // Rarely: a body that claims an encoding it does not have.
    'content-encoding': fc.oneof({ weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip') }, { weight: 6, arbitrary: fc.constant('') }),
    'x-correlation-id': fc.oneof(printable, fc.constant('x'.repeat(500))),
    traceparent: fc.oneof(printable, fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), fc.constant('ff-00000000000000000000000000000000-0000000000000000-ff')),
  },
  { requiredKeys: [] },
).map((headers) => {
  // Node refuses to send header values outside latin1; keep only what can go on the wire.
  return Object.fromEntries(Object.entries(headers).filter(([name, v]) => /^[\x20-\xff]*$/.test(v) && !(name === 'content-encoding' && v === '')));
});

function bodyBytes(body: BodyKind): Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'bytes':
      return Buffer.from(body.value);
    case 'text':
      return Buffer.from(body.value, 'utf8');
    case 'json':
      return Buffer.from(JSON.stringify(body.value) ?? 'null', 'utf8');
  }
}

const commandRoutes = (id: string) => [
  '/v1/products', `/v1/products/${id}/price`, `/v1/products/${id}/restock`, `/v1/products/${id}/reservations`, `/v1/products/${id}/releases`,
  '/v1/orders', `/v1/orders/${id}/payments`, `/v1/orders/${id}/cancel`,
];
const gatewayRoutes = (id: string) => [
  `/v1/products/${id}`, '/v1/products', `/v1/products/${id}/stock`, `/v1/products/${id}/history`, '/v1/dashboard', `/v1/orders/${id}`, `/v1/orders/${id}/history`, `/v1/customers/${id}/orders`,
];
const otherPaths = ['/', '/v1', '/v2/products', '/v1/products/', '//v1//products', '/v1/PRODUCTS', '/v1/products/a/b/c', '/health/live', '/health/ready', '/metrics', '/docs-json', '/%2e%2e/%2e%2e/etc/passwd', '/v1/../v1/dashboard', '/v1/products/..', '/v1/%2e%2e/dashboard', '/favicon.ico'];
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'];

/** A hostile command: nothing in it may be accepted, so the tenant's stored documents must not change. */
const hostileCommand = (existing: readonly string[]) =>
  fc
    .record({
      route: fc.nat(7),
      id: pathId(existing),
      body: invalidBody,
      headers: commandHeaders,
      auth,
      query: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString }),
    })
    .map(({ route, id, body, headers, auth: a, query }): RawRequest => ({
      base: commands,
      method: 'POST',
      path: `${commandRoutes(id)[route] as string}${query}`,
      headers: { 'content-type': 'application/json', ...headers, ...authHeaders(a) },
      ...(bodyBytes(body) ? { body: bodyBytes(body) as Buffer } : {}),
    }));

/** Any read: random ids, query strings, consistency headers, conditional headers, keys. */
const anyRead = (existing: readonly string[]) =>
  fc
    .record({ route: fc.nat(7), id: pathId(existing), query: queryString, consistency: consistencyHeaders, auth, ifNoneMatch: fc.option(fc.constantFrom('"1"', '*', 'W/"1"', '"a", "1"', ''), { nil: undefined }) })
    .map(({ route, id, query, consistency, auth: a, ifNoneMatch }): RawRequest => ({
      base: gateway,
      method: 'GET',
      path: `${gatewayRoutes(id)[route] as string}${query}`,
      headers: { ...consistency, ...authHeaders(a), ...(ifNoneMatch !== undefined ? { 'if-none-match': ifNoneMatch } : {}) },
    }));

/** Every method on every route of both services, and routes that do not exist. */
const anyMethodAnywhere = (existing: readonly string[]) =>
  fc
    .record({ service: fc.boolean(), method: fc.constantFrom(...methods), route: fc.nat(16 + otherPaths.length - 1), id: pathId(existing), body: anyBody, invalid: invalidBody, auth })
    .map(({ service, method, route, id, body, invalid, auth: a }): RawRequest => {
      const paths = [...commandRoutes(id), ...gatewayRoutes(id), ...otherPaths];
      // A POST only ever carries a body no command accepts, so this test may count the store too.
      const bytes = method === 'GET' || method === 'HEAD' ? undefined : bodyBytes(method === 'POST' ? invalid : body);
      return { base: service ? gateway : commands, method, path: paths[route % paths.length] as string, headers: { 'content-type': 'application/json', ...authHeaders(a) }, ...(bytes ? { body: bytes } : {}) };
    });

// ---------- the store ----------
async function storedCounts(mongo: MongoClient): Promise<{ commits: number; snapshots: number }> {
  const db = mongo.db(process.env['MONGO_DB'] ?? 'eventide');
  const escaped = fuzzTenant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const [commits, snapshots] = await Promise.all([db.collection('events').countDocuments({ tenant: fuzzTenant }), db.collection('snapshots').countDocuments({ _id: { $regex: `^${escaped}` } } as never)]);
  return { commits, snapshots };
}

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await send({ base: commands, method: 'POST', path, headers: { 'content-type': 'application/json', 'x-api-key': nextFuzzKey() }, body: Buffer.from(JSON.stringify(body)) });
  return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
}

describe('API fuzzing (running services)', () => {
  const mongo = new MongoClient(process.env['MONGO_URL'] ?? '');
  const existing: string[] = [];

  beforeAll(async () => {
    expect(gateway).toMatch(/^http:/);
    expect(commands).toMatch(/^http:/);
    expect(fuzzKeys.length).toBeGreaterThan(0);
    await mongo.connect();
    // A product and a settled order of the fuzz tenant, so hostile commands also aim at ids that exist.
    const product = await post('/v1/products', { name: 'Fuzz target', description: 'aimed at', price: 10, quantity: 1000 });
    expect(product.status).toBe(201);
    const order = await post('/v1/orders', { customerId: `fuzz-customer-${randomUUID().slice(0, 8)}`, lines: [{ productId: product.body['id'], quantity: 1 }] });
    expect(order.status).toBe(201);
    existing.push(product.body['id'] as string, order.body['id'] as string, `fuzz-customer`);
    // Wait until the fulfilment process has settled the order: nothing of this tenant moves after that.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const read = await send({ base: gateway, method: 'GET', path: `/v1/orders/${order.body['id'] as string}`, headers: { 'x-api-key': nextFuzzKey() } });
      if (read.status === 200 && JSON.parse(read.text).status !== 'pending') break;
      if (Date.now() > deadline) throw new Error(`the fuzz order was not settled: ${read.status} ${read.text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  afterAll(async () => {
    await mongo.close();
    closeAgent();
    const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ');
    process.stdout.write(`api-fuzz: seed ${seed}, ${stats.tried} inputs tried, ${stats.fiveHundreds} answered 5xx, ${stats.rateLimited} rate limited (429), violations ${stats.violations.length}; by status ${statuses}\n`);
  });

  let violationsBefore = 0;
  beforeEach(() => {
    violationsBefore = stats.violations.length;
  });
  /** This test's violations: how many, and the first few in full. */
  const newViolations = () => {
    const mine = stats.violations.slice(violationsBefore);
    return mine.length ? [`${mine.length} violations (seed ${seed})`, ...mine.slice(0, 15)] : [];
  };

  const property = (arbitrary: fc.Arbitrary<RawRequest>, check?: (req: RawRequest, answer: RawAnswer) => void) =>
    fc.assert(
      fc.asyncProperty(arbitrary, async (req) => {
        const answer = await send(req);
        record(req, answer);
        check?.(req, answer);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );

  it('hostile commands are refused with a 4xx problem and store nothing (G7)', async () => {
    const before = await storedCounts(mongo);
    const accepted: string[] = [];
    await property(hostileCommand(existing), (req, answer) => {
      if (answer.status < 400 && accepted.length < 10) accepted.push(`${req.path} ${req.body?.toString('utf8').slice(0, 200)} -> ${answer.status} ${answer.text.slice(0, 200)}`);
    });
    expect(accepted).toEqual([]);
    expect(newViolations()).toEqual([]);
    expect(await storedCounts(mongo)).toEqual(before);
  });

  it('reads with random ids, query strings, tokens and keys answer within the contract', async () => {
    const before = await storedCounts(mongo);
    await property(anyRead(existing));
    expect(newViolations()).toEqual([]);
    expect(await storedCounts(mongo)).toEqual(before);
  });

  it('every method on every route, and unknown routes, answer within the contract', async () => {
    const before = await storedCounts(mongo);
    await property(anyMethodAnywhere(existing), (req, answer) => {
      // No method but the documented one reaches a handler: nothing else may succeed on /v1.
      if (req.path.startsWith('/v1') && !['GET', 'HEAD', 'POST'].includes(req.method)) expect([req.method, req.path, answer.status < 400]).toEqual([req.method, req.path, false]);
    });
    expect(newViolations()).toEqual([]);
    expect(await storedCounts(mongo)).toEqual(before);
  });
});
