import { moneyToWire, type Money } from '@eventide/domain';

/** One of the best-selling products: net units currently committed to orders. */
export interface TopProduct {
  productId: string;
  unitsSold: number;
}

/** One of the latest orders as the dashboard shows it. */
export interface LatestOrder {
  id: string;
  customerId: string;
  total: number;
  status: string;
  placedAt: string;
}

/** The tenant's live dashboard on the wire. */
export interface Dashboard {
  ordersPlaced: number;
  ordersConfirmed: number;
  revenue: number;
  topProducts: TopProduct[];
  latestOrders: LatestOrder[];
}

const integer = (value: string | undefined): number => {
  const n = Number(value ?? 0);
  return Number.isSafeInteger(n) ? n : 0;
};

/** `[member, score, member, score, ...]` (ZREVRANGE WITHSCORES) as top products, keeping positive scores only. */
export function toTopProducts(withScores: readonly string[]): TopProduct[] {
  const out: TopProduct[] = [];
  for (let i = 0; i + 1 < withScores.length; i += 2) {
    const unitsSold = Number(withScores[i + 1]);
    if (unitsSold > 0) out.push({ productId: withScores[i] as string, unitsSold });
  }
  return out;
}

/** An order hash of the latest-orders model; undefined when it is gone (trimmed meanwhile). */
export function toLatestOrder(hash: Record<string, string>): LatestOrder | undefined {
  const { id, customerId, total, status, placedAt } = hash;
  if (id === undefined || customerId === undefined || status === undefined || placedAt === undefined) return undefined;
  return { id, customerId, total: moneyToWire(integer(total) as Money), status, placedAt };
}

/** The dashboard from the counters hash, the ranked products and the latest order hashes (zeros when empty). */
export function toDashboard(counters: Record<string, string>, topWithScores: readonly string[], orders: readonly Record<string, string>[]): Dashboard {
  return {
    ordersPlaced: integer(counters['ordersPlaced']),
    ordersConfirmed: integer(counters['ordersConfirmed']),
    revenue: moneyToWire(integer(counters['revenue']) as Money),
    topProducts: toTopProducts(topWithScores),
    latestOrders: orders.map(toLatestOrder).filter((o): o is LatestOrder => o !== undefined),
  };
}
