import { redisKeys } from '@eventide/domain';
import type { ReadModels } from '../read-models/read-models';
import { toDashboard, type Dashboard } from './dashboard.mapper';

/** How many entries the dashboard lists. */
export const DASHBOARD_TOP = 10;

type Replies = [Error | null, unknown][] | null;

function valuesOf(replies: Replies): unknown[] {
  return (replies ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/**
 * The tenant's dashboard in two round trips: one pipeline for the counters, the best sellers
 * (highest positive scores first) and the newest order ids, then one pipeline of HGETALL for
 * those orders. All keys carry the tenant's hash tag, so both work on Redis Cluster.
 */
export async function readDashboard(readModels: ReadModels, tenant: string): Promise<Dashboard> {
  const key = (k: string) => readModels.redisKey(tenant, k);
  const [counters, top, latest] = valuesOf(
    await readModels.redis
      .pipeline()
      .hgetall(key(redisKeys.dashboard))
      .zrevrangebyscore(key(redisKeys.topProducts), '+inf', '(0', 'WITHSCORES', 'LIMIT', 0, DASHBOARD_TOP)
      .zrevrange(key(redisKeys.latestOrders), 0, DASHBOARD_TOP - 1)
      .exec(),
  ) as [Record<string, string>, string[], string[]];
  const orders = latest.length ? (valuesOf(await latest.reduce((p, id) => p.hgetall(key(redisKeys.order(id))), readModels.redis.pipeline()).exec()) as Record<string, string>[]) : [];
  return toDashboard(counters, top, orders);
}
