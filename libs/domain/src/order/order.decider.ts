import { assertNever, type Decider, DomainError } from '@eventide/util';
import { MAX_MINOR_UNITS, moneyFromMinorUnits, multiplyMoney } from '../money';
import { ensureValid, isIntegerAtLeast, isNonBlank, isPositiveMoney, refuse } from '../shared/command-guards';
import { type CancelOrder, type CapturePayment, type OrderCommand, type PlaceOrder, type RejectOrder } from './order.commands';
import { type OrderEvent, type OrderLine } from './order.events';
import { orderStatusAfter, type OrderState, type OrderStatus, type PlacedOrderState } from './order.state';

/** Most lines one order may hold. */
export const MAX_ORDER_LINES = 100;
const DEFAULT_CANCEL_REASON = 'cancelled-by-customer';

function priceLines({ data }: PlaceOrder): OrderLine[] {
  ensureValid(isNonBlank(data.customerId), 'invalid-customer-id', 'customerId', 'customerId is required');
  const lines: unknown = data.lines;
  ensureValid(
    Array.isArray(lines) && lines.length >= 1 && lines.length <= MAX_ORDER_LINES,
    'invalid-lines',
    'lines',
    `an order has 1..${MAX_ORDER_LINES} lines`,
  );
  const seen = new Set<string>();
  return data.lines.map(({ productId, quantity, unitPrice }, i) => {
    ensureValid(isNonBlank(productId), 'invalid-product-id', `lines/${i}/productId`, 'productId is required');
    ensureValid(!seen.has(productId), 'duplicate-product', `lines/${i}/productId`, `product ${productId} appears on more than one line`);
    seen.add(productId);
    ensureValid(isIntegerAtLeast(quantity, 1), 'invalid-quantity', `lines/${i}/quantity`, 'quantity must be an integer >= 1');
    ensureValid(isPositiveMoney(unitPrice), 'invalid-price', `lines/${i}/unitPrice`, 'unitPrice must be positive');
    ensureValid(unitPrice * quantity <= MAX_MINOR_UNITS, 'amount-out-of-range', `lines/${i}`, 'line total is too large');
    return { productId, quantity, unitPrice, lineTotal: multiplyMoney(unitPrice, quantity) };
  });
}

function place(command: PlaceOrder, state: OrderState): OrderEvent[] {
  if (state.status !== 'none') throw new DomainError('conflict', 'order already exists', 'order-exists');
  const lines = priceLines(command);
  // At most 100 lines of at most 1e13 each: the sum stays an exact integer.
  const sum = lines.reduce((acc, line) => acc + line.lineTotal, 0);
  ensureValid(sum <= MAX_MINOR_UNITS, 'amount-out-of-range', 'lines', 'order total is too large');
  return [{ type: 'OrderPlaced', data: { customerId: command.data.customerId, lines, total: moneyFromMinorUnits(sum) } }];
}

function confirm(state: PlacedOrderState): OrderEvent[] {
  // A paid order was confirmed first: a redelivered confirmation changes nothing.
  if (state.status === 'confirmed' || state.status === 'paid') return [];
  if (state.status !== 'pending') refuse('order-not-pending', `cannot confirm a ${state.status} order`, { status: state.status });
  return [{ type: 'OrderConfirmed', data: {} }];
}

function reject({ data }: RejectOrder, state: PlacedOrderState): OrderEvent[] {
  ensureValid(isNonBlank(data.reason), 'invalid-reason', 'reason', 'reason is required');
  if (state.status === 'rejected') return [];
  if (state.status !== 'pending') refuse('order-not-pending', `cannot reject a ${state.status} order`, { status: state.status });
  return [{ type: 'OrderRejected', data: { reason: data.reason } }];
}

function capture({ data }: CapturePayment, state: PlacedOrderState): OrderEvent[] {
  ensureValid(isNonBlank(data.paymentId), 'invalid-payment-id', 'paymentId', 'paymentId is required');
  ensureValid(isPositiveMoney(data.amount), 'invalid-amount', 'amount', 'amount must be positive');
  if (state.status === 'paid' && state.paymentId !== data.paymentId) {
    refuse('already-paid', 'the order is already paid', { paymentId: state.paymentId });
  }
  if (state.status !== 'paid' && state.status !== 'confirmed') {
    refuse('order-not-confirmed', `cannot take payment for a ${state.status} order`, { status: state.status });
  }
  if (data.amount !== state.total) {
    refuse('amount-mismatch', 'the amount does not equal the order total', { expected: state.total, total: state.total, actual: data.amount });
  }
  if (state.status === 'paid') return [];
  return [{ type: 'PaymentCaptured', data: { paymentId: data.paymentId, amount: data.amount } }];
}

function cancel({ data }: CancelOrder, state: PlacedOrderState): OrderEvent[] {
  switch (state.status) {
    case 'pending':
    case 'confirmed':
      return [{ type: 'OrderCancelled', data: { reason: isNonBlank(data.reason) ? data.reason : DEFAULT_CANCEL_REASON } }];
    case 'cancelled':
      return [];
    case 'paid':
      return refuse('already-paid', 'a paid order cannot be cancelled');
    case 'rejected':
      return refuse('order-rejected', 'a rejected order cannot be cancelled');
    default:
      return assertNever(state.status, 'order status');
  }
}

function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  if (command.type === 'PlaceOrder') return place(command, state);
  if (state.status === 'none') throw new DomainError('not-found', 'order does not exist', 'order-not-found');
  switch (command.type) {
    case 'ConfirmOrder':
      return confirm(state);
    case 'RejectOrder':
      return reject(command, state);
    case 'CapturePayment':
      return capture(command, state);
    case 'CancelOrder':
      return cancel(command, state);
    default:
      return assertNever(command, 'order command');
  }
}

const withStatus = (state: OrderState, status: OrderStatus): OrderState =>
  state.status === 'none' ? state : { ...state, status };

function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      const { customerId, lines, total } = event.data;
      return { status: 'pending', customerId, lines: lines.map((line) => ({ ...line })), total };
    }
    case 'OrderConfirmed':
    case 'OrderRejected':
    case 'OrderCancelled':
      return withStatus(state, orderStatusAfter[event.type]);
    case 'PaymentCaptured':
      return state.status === 'none' ? state : { ...state, status: orderStatusAfter[event.type], paymentId: event.data.paymentId };
    default:
      return assertNever(event, 'order event');
  }
}

/**
 * The order aggregate: placed with priced lines, then confirmed or rejected by the fulfilment
 * process, then paid or cancelled. Repeats of a command already satisfied decide nothing.
 */
export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: () => ({ status: 'none' }),
  decide,
  evolve,
};
