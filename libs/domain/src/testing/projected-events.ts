import { type ProjectedEvent } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { type OrderEvent } from '../order/order.events';
import { type ProductEvent } from '../product/product.events';

/** Metadata of a test event; the tenant is always 't1' and the timestamp defaults to {@link timestampOf}. */
export interface TestEventMeta {
  aggregateType: string;
  aggregateId: string;
  version: number;
  timestamp?: string;
}

/** A deterministic timestamp for a stream version: one minute apart from 2024-01-01T00:00Z. */
export const timestampOf = (version: number): string => new Date(Date.UTC(2024, 0, 1) + version * 60_000).toISOString();

/** Wraps a domain event (or any `{ type, data }`) as the runtime hands it to a projection. */
export function projectedEvent(event: { type: string; data: object }, meta: TestEventMeta): ProjectedEvent {
  const { aggregateType, aggregateId, version } = meta;
  return {
    type: event.type,
    version,
    data: { ...event.data },
    metadata: {
      eventId: `${aggregateId}-${version}`,
      aggregateType,
      aggregateId,
      tenant: 't1',
      timestamp: meta.timestamp ?? timestampOf(version),
      correlationId: 'corr-1',
      causationId: 'cause-1',
    },
  };
}

/** Events of one product stream: `product(event, version)`. */
export const productStream =
  (aggregateId = 'p1') =>
  (event: ProductEvent, version: number, timestamp?: string): ProjectedEvent =>
    projectedEvent(event, { aggregateType: aggregateTypes.product, aggregateId, version, timestamp });

/** Events of one order stream: `order(event, version)`. */
export const orderStream =
  (aggregateId = 'o1') =>
  (event: OrderEvent, version: number, timestamp?: string): ProjectedEvent =>
    projectedEvent(event, { aggregateType: aggregateTypes.order, aggregateId, version, timestamp });
