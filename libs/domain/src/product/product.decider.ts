import { assertNever, type Decider, DomainError } from '@eventide/util';
import { ensureValid, isIntegerAtLeast, isNonBlank, isPositiveMoney, refuse } from '../shared/command-guards';
import {
  type CreateProduct,
  type ProductCommand,
  type ReleaseProductQuantity,
  type ReserveProductQuantity,
  type RestockProduct,
  type UpdateProductPrice,
} from './product.commands';
import { type ProductEvent } from './product.events';
import { type ActiveProductState, type ProductState } from './product.state';

const MAX_NAME_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 2000;

const hasReservation = (state: ActiveProductState, orderId: string): boolean =>
  Object.hasOwn(state.reservations, orderId);

function create({ data }: CreateProduct, state: ProductState): ProductEvent[] {
  if (state.status !== 'none') throw new DomainError('conflict', 'product already exists', 'product-exists');
  const name = typeof data.name === 'string' ? data.name.trim() : '';
  ensureValid(name.length >= 1 && name.length <= MAX_NAME_LENGTH, 'invalid-name', 'name', `name must be 1..${MAX_NAME_LENGTH} characters`);
  ensureValid(
    typeof data.description === 'string' && data.description.length <= MAX_DESCRIPTION_LENGTH,
    'invalid-description',
    'description',
    `description must be at most ${MAX_DESCRIPTION_LENGTH} characters`,
  );
  ensureValid(isPositiveMoney(data.price), 'invalid-price', 'price', 'price must be positive');
  ensureValid(isIntegerAtLeast(data.quantity, 0), 'invalid-quantity', 'quantity', 'quantity must be an integer >= 0');
  return [{ type: 'ProductCreated', data: { name, description: data.description, price: data.price, quantity: data.quantity } }];
}

function updatePrice({ data }: UpdateProductPrice, state: ActiveProductState): ProductEvent[] {
  ensureValid(isPositiveMoney(data.price), 'invalid-price', 'price', 'price must be positive');
  if (data.price === state.price) return [];
  return [{ type: 'ProductPriceUpdated', data: { oldPrice: state.price, newPrice: data.price } }];
}

function restock({ data }: RestockProduct, state: ActiveProductState): ProductEvent[] {
  ensureValid(isIntegerAtLeast(data.quantity, 1), 'invalid-quantity', 'quantity', 'quantity must be an integer >= 1');
  const currentStock = state.available + data.quantity;
  ensureValid(Number.isSafeInteger(currentStock), 'invalid-quantity', 'quantity', 'stock would overflow');
  return [{ type: 'ProductRestocked', data: { quantity: data.quantity, currentStock } }];
}

function reserve({ data }: ReserveProductQuantity, state: ActiveProductState): ProductEvent[] {
  ensureValid(isNonBlank(data.orderId), 'invalid-order-id', 'orderId', 'orderId is required');
  ensureValid(isIntegerAtLeast(data.quantity, 1), 'invalid-quantity', 'quantity', 'quantity must be an integer >= 1');
  if (hasReservation(state, data.orderId)) return [];
  if (data.quantity > state.available) {
    refuse('insufficient-stock', 'not enough stock available', { available: state.available, requested: data.quantity });
  }
  const currentStock = state.available - data.quantity;
  return [{ type: 'ProductQuantityReserved', data: { orderId: data.orderId, quantityReserved: data.quantity, currentStock } }];
}

function release({ data }: ReleaseProductQuantity, state: ActiveProductState): ProductEvent[] {
  ensureValid(isNonBlank(data.orderId), 'invalid-order-id', 'orderId', 'orderId is required');
  if (!hasReservation(state, data.orderId)) return [];
  const quantityReleased = state.reservations[data.orderId] ?? 0;
  const currentStock = state.available + quantityReleased;
  return [{ type: 'ProductQuantityReleased', data: { orderId: data.orderId, quantityReleased, currentStock } }];
}

function decide(command: ProductCommand, state: ProductState): ProductEvent[] {
  if (command.type === 'CreateProduct') return create(command, state);
  if (state.status === 'none') throw new DomainError('not-found', 'product does not exist', 'product-not-found');
  switch (command.type) {
    case 'UpdateProductPrice':
      return updatePrice(command, state);
    case 'RestockProduct':
      return restock(command, state);
    case 'ReserveProductQuantity':
      return reserve(command, state);
    case 'ReleaseProductQuantity':
      return release(command, state);
    default:
      return assertNever(command, 'product command');
  }
}

function evolve(state: ProductState, event: ProductEvent): ProductState {
  if (event.type === 'ProductCreated') {
    const { name, description, price, quantity } = event.data;
    return { status: 'active', name, description, price, available: quantity, reserved: 0, reservations: {} };
  }
  // A stream never holds these before ProductCreated; ignoring them keeps evolve total.
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ProductPriceUpdated':
      return { ...state, price: event.data.newPrice };
    case 'ProductRestocked':
      return { ...state, available: state.available + event.data.quantity };
    case 'ProductQuantityReserved': {
      const { orderId, quantityReserved } = event.data;
      return {
        ...state,
        available: state.available - quantityReserved,
        reserved: state.reserved + quantityReserved,
        reservations: { ...state.reservations, [orderId]: quantityReserved },
      };
    }
    case 'ProductQuantityReleased': {
      const { orderId, quantityReleased } = event.data;
      const reservations = { ...state.reservations };
      delete reservations[orderId];
      return { ...state, available: state.available + quantityReleased, reserved: state.reserved - quantityReleased, reservations };
    }
    default:
      return assertNever(event, 'product event');
  }
}

/**
 * The product aggregate: catalogue data plus stock, split into what is available and what is
 * reserved per order. Reserve and release are idempotent per orderId so a redelivered command
 * from the fulfilment process changes nothing.
 */
export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = {
  initialState: () => ({ status: 'none' }),
  decide,
  evolve,
};
