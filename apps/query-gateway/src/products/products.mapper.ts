import { moneyToWire, type Money, type ProductDetailsDoc, type ProductState, type ProductSummaryDoc } from '@eventide/domain';
import type { StoredEvent } from '@eventide/event-store';

/** ProductDetails on the wire: money as a number with at most two decimals. */
export interface ProductDetails {
  id: string;
  name: string;
  description: string;
  price: number;
  availableStock: number;
  reservedStock: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One row of the product list on the wire. */
export interface ProductSummaryItem {
  id: string;
  name: string;
  price: number;
  availableStock: number;
  createdAt: string;
}

/** Live stock of a product on the wire. */
export interface ProductStock {
  id: string;
  availableStock: number;
  reservedStock: number;
  version: number;
}

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

const count = (value: string | undefined): number => {
  const n = Number(value ?? 0);
  return Number.isSafeInteger(n) ? n : 0;
};

/** The Redis stock hash (all strings) as numbers; undefined when the hash is empty (unknown product). */
export function toProductStock(id: string, hash: Record<string, string>): ProductStock | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  return { id, availableStock: count(hash['availableStock']), reservedStock: count(hash['reservedStock']), version: count(hash['version']) };
}
