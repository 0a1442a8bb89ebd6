import { randomUUID } from 'node:crypto';

/** A small seeded generator (mulberry32): the same seed gives the same load and the same faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Outcome = 'acked' | 'refused' | 'unknown';

/** One command as a client sent it, and what became of it after its retries. */
export interface LedgerEntry {
  kind: string;
  tenant: string;
  aggregateType: 'product' | 'order';
  aggregateId: string;
  correlationId: string;
  outcome: Outcome;
  status?: number;
  /** The version the API said the aggregate reached (acked only). */
  version?: number;
  attempts: number;
}

export interface Tenant {
  name: string;
  key: string;
}

/**
 * A client like a careful real one: every command carries an Idempotency-Key and a correlation id,
 * and is retried with the same ones on a network error, a timeout, a 429 or a 5xx, with backoff.
 * A 2xx is an acknowledgement; another 4xx is a refusal; giving up after the retries is unknown.
 */
export class CommandClient {
  readonly ledger: LedgerEntry[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly options: { attempts: number; timeoutMs: number },
  ) {}

  async send(
    tenant: Tenant,
    kind: string,
    target: { aggregateType: 'product' | 'order'; aggregateId: string },
    path: string,
    body: object,
    headers: Record<string, string> = {},
  ): Promise<LedgerEntry> {
    const entry: LedgerEntry = { kind, tenant: tenant.name, ...target, correlationId: randomUUID(), outcome: 'unknown', attempts: 0 };
    const idempotencyKey = randomUUID();
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      entry.attempts = attempt;
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': tenant.key, 'idempotency-key': idempotencyKey, 'x-correlation-id': entry.correlationId, ...headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        const text = await response.text();
        entry.status = response.status;
        if (response.ok) {
          entry.outcome = 'acked';
          entry.version = (JSON.parse(text) as { version: number }).version;
          break;
        }
        // A refusal is final, unless the server says when to retry (429, or 409 while the first
        // request with this Idempotency-Key is still in flight).
        if (response.status < 500 && response.status !== 429 && response.status !== 408 && !response.headers.has('retry-after')) {
          entry.outcome = 'refused';
          break;
        }
      } catch {
        entry.status = undefined; // a reset, a refused connection or a timeout: try again
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(4000, 250 * 2 ** attempt)));
    }
    this.ledger.push(entry);
    return entry;
  }
}

export interface WorkloadState {
  products: { tenant: Tenant; id: string }[];
  orders: { tenant: Tenant; id: string }[];
}

/** What the load generator may ask the event store, which it reads directly (never through a fault). */
export interface StoreView {
  /** The stream's events as stored: type, version and data. */
  events(tenant: string, aggregateType: 'product' | 'order', id: string): Promise<{ type: string; version: number; data: Record<string, unknown> }[]>;
}

/**
 * The mixed load: products created and restocked, prices changed (some as deliberately conflicting
 * pairs with the same If-Match), orders placed on random products, confirmed orders paid, some
 * orders cancelled. Runs `workers` loops until `until()` turns true.
 */
export async function runWorkload(options: {
  client: CommandClient;
  tenants: Tenant[];
  random: () => number;
  store: StoreView;
  workers: number;
  until: () => boolean;
  conflicts: { tried: number; bothWon: number; examples: string[] };
}): Promise<WorkloadState> {
  const { client, tenants, random, store, conflicts } = options;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const state: WorkloadState = { products: [], orders: [] };

  for (const tenant of tenants) {
    for (let i = 0; i < 6; i++) {
      const id = randomUUID();
      const created = await client.send(tenant, 'CreateProduct', { aggregateType: 'product', aggregateId: id }, '/v1/products', {
        id,
        name: `Product ${i}`,
        price: 5 + Math.floor(random() * 50),
        quantity: 20 + Math.floor(random() * 40),
      });
      if (created.outcome !== 'refused') state.products.push({ tenant, id });
    }
  }

  const actions: [number, () => Promise<void>][] = [
    [
      4,
      async () => {
        const tenant = pick(tenants);
        const products = state.products.filter((p) => p.tenant === tenant);
        if (products.length === 0) return;
        const lines = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(products).id))].map((productId) => ({ productId, quantity: 1 + Math.floor(random() * 3) }));
        const id = randomUUID();
        const placed = await client.send(tenant, 'PlaceOrder', { aggregateType: 'order', aggregateId: id }, '/v1/orders', { id, customerId: `customer-${Math.floor(random() * 5)}`, lines });
        if (placed.outcome !== 'refused') state.orders.push({ tenant, id });
      },
    ],
    [
      2,
      async () => {
        const order = state.orders.length ? pick(state.orders) : undefined;
        if (!order) return;
        const events = await store.events(order.tenant.name, 'order', order.id);
        const placed = events.find((e) => e.type === 'OrderPlaced');
        if (!placed || !events.some((e) => e.type === 'OrderConfirmed') || events.some((e) => e.type === 'PaymentCaptured' || e.type === 'OrderCancelled')) return;
        await client.send(order.tenant, 'CapturePayment', { aggregateType: 'order', aggregateId: order.id }, `/v1/orders/${order.id}/payments`, {
          paymentId: `pay-${order.id}`,
          amount: (placed.data['total'] as number) / 100,
        });
      },
    ],
    [
      1,
      async () => {
        const order = state.orders.length ? pick(state.orders) : undefined;
        if (order) await client.send(order.tenant, 'CancelOrder', { aggregateType: 'order', aggregateId: order.id }, `/v1/orders/${order.id}/cancel`, { reason: 'changed-mind' });
      },
    ],
    [
      1,
      async () => {
        const product = state.products.length ? pick(state.products) : undefined;
        if (product) await client.send(product.tenant, 'RestockProduct', { aggregateType: 'product', aggregateId: product.id }, `/v1/products/${product.id}/restock`, { quantity: 1 + Math.floor(random() * 10) });
      },
    ],
    [
      1,
      async () => {
        // Two clients change the same price from the same version at once: at most one may win.
        const product = state.products.length ? pick(state.products) : undefined;
        if (!product) return;
        const head = (await store.events(product.tenant.name, 'product', product.id)).at(-1)?.version;
        if (head === undefined) return;
        const target = { aggregateType: 'product' as const, aggregateId: product.id };
        const [a, b] = await Promise.all(
          [1, 2].map((n) => client.send(product.tenant, 'UpdatePrice', target, `/v1/products/${product.id}/price`, { price: 10 + n + Math.floor(random() * 20) }, { 'if-match': `"${head}"` })),
        );
        conflicts.tried += 1;
        // A change to the price it already has decides nothing and is acknowledged at the same
        // version: only two acknowledged writes (both past the head) would be a lost conflict.
        const wrote = (e: typeof a) => e?.outcome === 'acked' && (e.version ?? 0) > head;
        if (wrote(a) && wrote(b)) {
          conflicts.bothWon += 1;
          conflicts.examples.push(`${product.tenant.name}/${product.id} If-Match ${head}: ${JSON.stringify([a, b])}`);
        }
      },
    ],
  ];
  const weights = actions.reduce((n, [w]) => n + w, 0);
  const next = () => {
    let r = random() * weights;
    for (const [w, action] of actions) {
      r -= w;
      if (r < 0) return action;
    }
    return (actions[0] as [number, () => Promise<void>])[1];
  };

  await Promise.all(
    Array.from({ length: options.workers }, async () => {
      while (!options.until()) {
        await next()().catch(() => undefined); // a store read that failed: the next action goes on
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
  return state;
}
