import { assertNever, type DocumentProjection } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { productEventTypes } from '../product/product.events';
import { asProductEvent, requireDoc, requireNoDoc } from './projected-event.guards';

/** One row of the product list; `nameLower` serves case-insensitive name search and sorting. */
export interface ProductSummaryDoc {
  id: string;
  name: string;
  nameLower: string;
  price: number;
  availableStock: number;
  createdAt: string;
}

const view = 'product-summary';

/** The product list, paged by id, price or name within a tenant. */
export const productSummary: DocumentProjection<ProductSummaryDoc> = {
  view,
  aggregateType: aggregateTypes.product,
  handles: productEventTypes,
  indexes: [
    { name: 'tenant_id', key: { tenant: 1, _id: 1 } },
    { name: 'tenant_price_id', key: { tenant: 1, price: 1, _id: 1 } },
    { name: 'tenant_nameLower_id', key: { tenant: 1, nameLower: 1, _id: 1 } },
  ],
  evolve(doc, projected) {
    const event = asProductEvent(projected);
    if (event.type === 'ProductCreated') {
      requireNoDoc(doc, projected, view);
      const { name, price, quantity } = event.data;
      const id = projected.metadata.aggregateId;
      return { id, name, nameLower: name.toLowerCase(), price, availableStock: quantity, createdAt: projected.metadata.timestamp };
    }
    const current = requireDoc(doc, projected, view);
    switch (event.type) {
      case 'ProductPriceUpdated':
        return { ...current, price: event.data.newPrice };
      case 'ProductRestocked':
      case 'ProductQuantityReserved':
      case 'ProductQuantityReleased':
        return { ...current, availableStock: event.data.currentStock };
      default:
        return assertNever(event, 'product event');
    }
  },
};
