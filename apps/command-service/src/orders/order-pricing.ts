import { Injectable } from '@nestjs/common';
import { aggregateTypes, productDecider, type Money } from '@eventide/domain';
import { AggregateRepository } from '@eventide/event-store';
import { DomainError } from '@eventide/util';

/** Captures each line's unit price from the product's current state when an order is placed. */
@Injectable()
export class OrderPricing {
  constructor(private readonly repository: AggregateRepository) {}

  async priceLines(tenant: string, lines: { productId: string; quantity: number }[]): Promise<{ productId: string; quantity: number; unitPrice: Money }[]> {
    const states = await Promise.all(
      lines.map((line) => this.repository.load(productDecider, { tenant, aggregateType: aggregateTypes.product, aggregateId: line.productId })),
    );
    return lines.map((line, i) => {
      const state = states[i]?.state;
      if (!state || state.status !== 'active') {
        throw new DomainError('business-rule', `product ${line.productId} does not exist`, 'unknown-product', { productId: line.productId });
      }
      return { ...line, unitPrice: state.price };
    });
  }
}
