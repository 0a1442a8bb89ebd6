import { assertNever, type DocumentProjection } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { productEventTypes } from '../product/product.events';
import { asProductEvent, requireDoc, requireNoDoc } from './projected-event.guards';

/** One product as its details page shows it; money in minor units, dates ISO-8601. */
export interface ProductDetailsDoc {
  id: string;
  name: string;
  description: string;
  price: number;
  availableStock: number;
  reservedStock: number;
  createdAt: string;
  updatedAt: string;
}

const view = 'product-details';

/** Product details, read by `_id` (no extra indexes). */
export const productDetails: DocumentProjection<ProductDetailsDoc> = {
  view,
  aggregateType: aggregateTypes.product,
  handles: productEventTypes,
  indexes: [],
  evolve(doc, projected) {
    const event = asProductEvent(projected);
    const at = projected.metadata.timestamp;
    if (event.type === 'ProductCreated') {
      requireNoDoc(doc, projected, view);
      const { name, description, price, quantity } = event.data;
      const id = projected.metadata.aggregateId;
      return { id, name, description, price, availableStock: quantity, reservedStock: 0, createdAt: at, updatedAt: at };
    }
    const current = requireDoc(doc, projected, view);
    switch (event.type) {
      case 'ProductPriceUpdated':
        return { ...current, price: event.data.newPrice, updatedAt: at };
      case 'ProductRestocked':
        return { ...current, availableStock: event.data.currentStock, updatedAt: at };
      case 'ProductQuantityReserved': {
        const { currentStock, quantityReserved } = event.data;
        return { ...current, availableStock: currentStock, reservedStock: current.reservedStock + quantityReserved, updatedAt: at };
      }
      case 'ProductQuantityReleased': {
        const { currentStock, quantityReleased } = event.data;
        return { ...current, availableStock: currentStock, reservedStock: current.reservedStock - quantityReleased, updatedAt: at };
      }
      default:
        return assertNever(event, 'product event');
    }
  },
};
