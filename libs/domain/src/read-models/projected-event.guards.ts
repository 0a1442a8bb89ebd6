import { type ProjectedEvent } from '@eventide/util';
import { type OrderEvent, orderEventTypes } from '../order/order.events';
import { type ProductEvent, productEventTypes } from '../product/product.events';

const isOneOf = <T extends string>(types: readonly T[], type: string): type is T => (types as readonly string[]).includes(type);

/** The projected event as a typed product event; throws (cannot apply) for any other type. */
export function asProductEvent(event: ProjectedEvent): ProductEvent {
  if (!isOneOf(productEventTypes, event.type)) throw new Error(`not a product event: ${event.type}`);
  return { type: event.type, data: event.data } as ProductEvent;
}

/** The projected event as a typed order event; throws (cannot apply) for any other type. */
export function asOrderEvent(event: ProjectedEvent): OrderEvent {
  if (!isOneOf(orderEventTypes, event.type)) throw new Error(`not an order event: ${event.type}`);
  return { type: event.type, data: event.data } as OrderEvent;
}

/** The existing document, or a throw: `event` cannot apply to a stream the view has not seen created. */
export function requireDoc<D extends object>(doc: D | null, event: ProjectedEvent, view: string): D {
  if (doc === null) throw new Error(`${view}: cannot apply ${event.type} v${event.version} before the document exists`);
  return doc;
}

/** Throws: a creation event arrived for a document that already exists. */
export function requireNoDoc(doc: object | null, event: ProjectedEvent, view: string): void {
  if (doc !== null) throw new Error(`${view}: cannot apply ${event.type} v${event.version} to an existing document`);
}
