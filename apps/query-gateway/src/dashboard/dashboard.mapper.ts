import { moneyToWire, orderStatusAfter, type Money } from '@eventide/domain';
import type { z } from 'zod';
import type { dashboardWire } from '../openapi/wire-schemas';
import { redisInteger } from '../read-models/redis-values';

/** The tenant's live dashboard on the wire (the OpenAPI schema is the one definition). */
export type Dashboard = z.infer<typeof dashboardWire>;
/** One of the best-selling products: net units currently committed to orders. */
export type TopProduct = Dashboard['topProducts'][number];
/** One of the latest orders as the dashboard shows it. */
export type LatestOrder = Dashboard['latestOrders'][number];

const statuses: ReadonlySet<string> = new Set(Object.values(orderStatusAfter));
const isStatus = (value: string | undefined): value is LatestOrder['status'] => value !== undefined && statuses.has(value);

/** `[member, score, member, score, ...]` (ZREVRANGE WITHSCORES) as top products, keeping positive scores only. */
export function toTopProducts(withScores: readonly string[]): TopProduct[] {
  const out: TopProduct[] = [];
  for (let i = 0; i + 1 < withScores.length; i += 2) {
    const unitsSold = Number(withScores[i + 1]);
    if (unitsSold > 0) out.push({ productId: withScores[i] as string, unitsSold });
  }
  return out;
}

/** An order hash of the latest-orders model; undefined when it is gone (trimmed meanwhile) or not one. */
export function toLatestOrder(hash: Record<string, string>): LatestOrder | undefined {
  const { id, customerId, total, status, placedAt } = hash;
  if (id === undefined || customerId === undefined || !isStatus(status) || placedAt === undefined) return undefined;
  return { id, customerId, total: moneyToWire(redisInteger(total) as Money), status, placedAt };
}

/** The dashboard from the counters hash, the ranked products and the latest order hashes (zeros when empty). */
export function toDashboard(counters: Record<string, string>, topWithScores: readonly string[], orders: readonly Record<string, string>[]): Dashboard {
  return {
    ordersPlaced: redisInteger(counters['ordersPlaced']),
    ordersConfirmed: redisInteger(counters['ordersConfirmed']),
    revenue: moneyToWire(redisInteger(counters['revenue']) as Money),
    topProducts: toTopProducts(topWithScores),
    latestOrders: orders.map(toLatestOrder).filter((o): o is LatestOrder => o !== undefined),
  };
}
