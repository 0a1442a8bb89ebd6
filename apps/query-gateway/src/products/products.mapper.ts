import { moneyToWire, type Money, type ProductDetailsDoc, type ProductState, type ProductSummaryDoc } from '@eventide/domain';
import type { StoredEvent } from '@eventide/event-store';
import type { z } from 'zod';
import type { productDetailsWire, productPageWire, productStockWire } from '../openapi/wire-schemas';
import { redisInteger } from '../read-models/redis-values';

/** ProductDetails on the wire (the OpenAPI schema is the one definition): money with at most two decimals. */
export type ProductDetails = z.infer<typeof productDetailsWire>;
/** One row of the product list on the wire. */
export type ProductSummaryItem = z.infer<typeof productPageWire>['items'][number];
/** Live stock of a product on the wire. */
export type ProductStock = z.infer<typeof productStockWire>;


/** A `product-details` document (with its version) as the API shows it. */
export function toProductDetails(doc: ProductDetailsDoc & { version: number }): ProductDetails {
  const { id, name, description, price, availableStock, reservedStock, createdAt, updatedAt, version } = doc;
  return { id, name, description, price: moneyToWire(price as Money), availableStock, reservedStock, createdAt, updatedAt, version };
}

/**
 * A product as it was, from the state folded from `events` (its stream up to the asked point):
 * created at the first event, updated at the last, at the last event's version. Undefined when
 * the product did not exist then.
 */
export function toHistoricProductDetails(id: string, state: ProductState, events: readonly StoredEvent[]): ProductDetails | undefined {
  const first = events[0];
  const last = events.at(-1);
  if (state.status !== 'active' || !first || !last) return undefined;
  return {
    id,
    name: state.name,
    description: state.description,
    price: moneyToWire(state.price),
    availableStock: state.available,
    reservedStock: state.reserved,
    createdAt: first.metadata.timestamp,
    updatedAt: last.metadata.timestamp,
    version: last.version,
  };
}

/** A `product-summary` document as a list row. */
export function toProductSummaryItem(doc: ProductSummaryDoc): ProductSummaryItem {
  const { id, name, price, availableStock, createdAt } = doc;
  return { id, name, price: moneyToWire(price as Money), availableStock, createdAt };
}

/** The Redis stock hash (all strings) as numbers; undefined when the hash is empty (unknown product). */
export function toProductStock(id: string, hash: Record<string, string>): ProductStock | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  return { id, availableStock: redisInteger(hash['availableStock']), reservedStock: redisInteger(hash['reservedStock']), version: redisInteger(hash['version']) };
}
