import { aggregateTypes, productDecider, redisKeys, type ProductDetailsDoc, type ProductSummaryDoc } from '@eventide/domain';
import type { AggregateRepository, MongoEventStore } from '@eventide/event-store';
import { pageOf, type Page } from '../pagination/cursor';
import type { ReadModels } from '../read-models/read-models';
import { toHistoricProductDetails, toProductDetails, toProductStock, toProductSummaryItem, type ProductDetails, type ProductStock, type ProductSummaryItem } from './products.mapper';
import { productAfter, productListFilter, type ProductListQuery, type TemporalPoint } from './products.query';

/** The live ProductDetails of one product of the tenant, or undefined. */
export async function readProductDetails(readModels: ReadModels, tenant: string, id: string): Promise<ProductDetails | undefined> {
  const doc = await readModels.findOne<ProductDetailsDoc>('product-details', tenant, id);
  return doc ? toProductDetails(doc) : undefined;
}

/**
 * A product as it was at a version or an instant, folded from its events in the event store (read
 * once, so the state and its timestamps agree). Undefined when it did not exist then, or when the
 * stream never reached the asked version.
 */
export async function readProductAt(store: MongoEventStore, repository: AggregateRepository, tenant: string, id: string, point: TemporalPoint): Promise<ProductDetails | undefined> {
  const stream = { tenant, aggregateType: aggregateTypes.product, aggregateId: id };
  // The version the point names: given, or the last event that occurred by `asOf` (a read, no replay).
  const version = 'atVersion' in point ? point.atVersion : (await store.readStream(stream, { untilTimestamp: point.asOf })).at(-1)?.version;
  if (!version) return undefined;
  // The state from the nearest snapshot at or below that version plus a short replay, never a fold of the whole stream.
  const loaded = await repository.load(productDecider, stream, { atVersion: version });
  if (loaded.version !== version) return undefined;
  const [first] = await store.readStream(stream, { fromVersion: 1, toVersion: 1 });
  const [last] = await store.readStream(stream, { fromVersion: version, toVersion: version });
  return first && last ? toHistoricProductDetails(id, loaded.state, [first, last]) : undefined;
}

/**
 * One page of the tenant's product list, always in `_id` order: ids never change, so an item
 * never moves between pages while others are written. Fetches one row more than shown to know
 * whether another page follows.
 */
export async function readProductPage(readModels: ReadModels, tenant: string, query: ProductListQuery): Promise<Page<ProductSummaryItem>> {
  const after = productAfter(query);
  const filter = productListFilter(tenant, query, after === undefined ? undefined : readModels.id(tenant, after));
  const rows = await readModels
    .collection<ProductSummaryDoc>('product-summary')
    .find(filter as never, { sort: { _id: 1 }, limit: query.limit + 1 })
    .toArray();
  return pageOf(rows, query.limit, toProductSummaryItem, (row) => [row.id]);
}

/** Live stock levels of one product of the tenant from Redis, or undefined. */
export async function readProductStock(readModels: ReadModels, tenant: string, id: string): Promise<ProductStock | undefined> {
  const hash = await readModels.redis.hgetall(readModels.redisKey(tenant, redisKeys.stock(id)));
  return toProductStock(id, hash);
}
