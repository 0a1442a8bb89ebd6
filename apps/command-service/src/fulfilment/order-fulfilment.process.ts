import { aggregateTypes, orderDecider, productDecider, type OrderCommand, type OrderState, type PlacedOrderState, type ProductCommand } from '@eventide/domain';
import type { AggregateRepository, AppendContext, StoredEvent, StreamRef } from '@eventide/event-store';
import { isDomainError, type DomainError } from '@eventide/util';
import { currentTraceContext, inEventSpan } from '@eventide/service-kit';

/** What handling one event came to; also the label of the outcome metric. */
export type FulfilmentOutcome = 'confirmed' | 'rejected' | 'released' | 'ignored';

/** Error codes meaning "this command is not allowed now", as opposed to a server or a race we lost. */
const REFUSALS = new Set(['business-rule', 'not-found', 'validation']);
const isRefusal = (error: unknown): error is DomainError => isDomainError(error) && REFUSALS.has(error.code);

/** Statuses in which the order's reservations must go back to stock. */
const ENDED_WITHOUT_SALE = new Set(['rejected', 'cancelled']);

/** Every command the process sends carries this: it links what it causes to the event that caused it. */
export function causedBy(event: StoredEvent): AppendContext {
  const { correlationId } = event.metadata;
  // Inside the process's span (a child of the event's trace) the commands continue that trace.
  const active = currentTraceContext();
  const traceparent = active.traceparent ?? event.metadata.traceparent;
  const tracestate = active.traceparent ? active.tracestate : event.metadata.tracestate;
  return {
    correlationId,
    causationId: event.eventId,
    occurredAt: new Date(),
    ...(traceparent ? { traceparent } : {}),
    ...(tracestate ? { tracestate } : {}),
  };
}

function refusalReason(productId: string, error: DomainError): string {
  if (error.reason === 'insufficient-stock') return `insufficient stock for product ${productId}`;
  if (error.code === 'not-found') return `product ${productId} does not exist`;
  return `product ${productId} refused the reservation: ${error.message}`;
}

/**
 * The order fulfilment process manager (spec §2): on OrderPlaced it reserves stock for every
 * line and then confirms the order, or releases what it reserved and rejects the order; on
 * OrderRejected and OrderCancelled it releases every line. Each step is idempotent (products keep
 * reservations per order id, orders ignore repeated confirmations), so a redelivered event is
 * safe. Refusals are outcomes; infrastructure errors propagate so the consumer retries the event.
 */
export class OrderFulfilment {
  constructor(
    private readonly repository: AggregateRepository,
    /** Wakes the outbox publisher after an append. */
    private readonly nudge: () => void = () => undefined,
  ) {}

  /** Reacts to one order event. */
  handle(event: StoredEvent): Promise<FulfilmentOutcome> {
    if (event.metadata.aggregateType !== aggregateTypes.order) return Promise.resolve('ignored');
    return inEventSpan(`fulfil ${event.type}`, event.metadata, { 'eventide.order': event.metadata.aggregateId, 'eventide.version': event.version }, async (span) => {
      const outcome = await this.react(event);
      span.setAttribute('eventide.outcome', outcome);
      return outcome;
    });
  }

  private async react(event: StoredEvent): Promise<FulfilmentOutcome> {
    const { tenant, aggregateType, aggregateId } = event.metadata;
    const order: StreamRef = { tenant, aggregateType, aggregateId };
    const context = causedBy(event);
    switch (event.type) {
      case 'OrderPlaced':
        return this.fulfil(order, context);
      case 'OrderRejected':
      case 'OrderCancelled': {
        const state = await this.loadOrder(order);
        if (state.status === 'none') return 'ignored';
        await this.releaseAll(order, state, context);
        return 'released';
      }
      default:
        return 'ignored';
    }
  }

  private async fulfil(order: StreamRef, context: AppendContext): Promise<FulfilmentOutcome> {
    const placed = await this.loadOrder(order);
    // Confirmed, rejected or cancelled already: a redelivery, or the customer was quicker.
    if (placed.status !== 'pending') return 'ignored';
    for (const line of placed.lines) {
      try {
        await this.sendToProduct(order.tenant, line.productId, { type: 'ReserveProductQuantity', data: { orderId: order.aggregateId, quantity: line.quantity } }, context);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        // Reject first, release after: if another run (a redelivery to a new partition owner) has
        // confirmed the order meanwhile, the reject is refused and its reservations must stay.
        const rejected = await this.settle(order, { type: 'RejectOrder', data: { reason: refusalReason(line.productId, error) } }, context);
        const after = rejected ? undefined : await this.loadOrder(order);
        if (!rejected && !(after && ENDED_WITHOUT_SALE.has(after.status))) return 'ignored';
        await this.releaseAll(order, placed, context);
        return rejected ? 'rejected' : 'released';
      }
    }
    const now = await this.loadOrder(order);
    if (now.status === 'pending' && (await this.settle(order, { type: 'ConfirmOrder', data: {} }, context))) return 'confirmed';
    const latest = now.status === 'pending' ? await this.loadOrder(order) : now;
    // A cancellation's release may have run before our reservations landed: give them back.
    if (!ENDED_WITHOUT_SALE.has(latest.status)) return 'ignored';
    await this.releaseAll(order, placed, context);
    return 'released';
  }

  /** Sends ConfirmOrder or RejectOrder; false when the order had moved on and refused it. */
  private async settle(order: StreamRef, command: OrderCommand, context: AppendContext): Promise<boolean> {
    try {
      const result = await this.repository.handle(orderDecider, order, command, { context });
      if (result.events.length > 0) this.nudge();
      return true;
    } catch (error) {
      if (isDomainError(error) && error.code === 'business-rule') return false;
      throw error;
    }
  }

  private async releaseAll(order: StreamRef, state: PlacedOrderState, context: AppendContext): Promise<void> {
    for (const line of state.lines) {
      try {
        await this.sendToProduct(order.tenant, line.productId, { type: 'ReleaseProductQuantity', data: { orderId: order.aggregateId } }, context);
      } catch (error) {
        // A product that does not exist holds nothing to release.
        if (!(isDomainError(error) && error.code === 'not-found')) throw error;
      }
    }
  }

  private async sendToProduct(tenant: string, productId: string, command: ProductCommand, context: AppendContext): Promise<void> {
    const stream: StreamRef = { tenant, aggregateType: aggregateTypes.product, aggregateId: productId };
    const result = await this.repository.handle(productDecider, stream, command, { context });
    if (result.events.length > 0) this.nudge();
  }

  private async loadOrder(order: StreamRef): Promise<OrderState> {
    return (await this.repository.load(orderDecider, order)).state;
  }
}
