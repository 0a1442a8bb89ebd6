import { z } from 'zod';

import { idSchema } from '@eventide/service-kit';

export { idSchema };

/** Money on the wire: a positive JSON number with at most two decimals. */
export const priceSchema = z
  .number()
  .positive()
  .max(1e9)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'must have at most two decimals');

export const quantitySchema = z.number().int().min(1).max(1_000_000);

const text = (min: number, max: number) => z.string().trim().min(min).max(max);

export const createProductBody = z.strictObject({
  id: idSchema.optional(),
  name: text(1, 200),
  description: z.string().max(2000).default(''),
  price: priceSchema,
  quantity: z.number().int().min(0).max(1_000_000),
});

export const updatePriceBody = z.strictObject({ price: priceSchema });
export const restockBody = z.strictObject({ quantity: quantitySchema });
export const reserveBody = z.strictObject({ quantity: quantitySchema, orderId: idSchema });
export const releaseBody = z.strictObject({ orderId: idSchema });

export const placeOrderBody = z.strictObject({
  id: idSchema.optional(),
  customerId: idSchema,
  lines: z
    .array(z.strictObject({ productId: idSchema, quantity: quantitySchema }))
    .min(1)
    .max(100),
});

export const capturePaymentBody = z.strictObject({ paymentId: idSchema, amount: priceSchema });
export const cancelOrderBody = z.strictObject({ reason: text(1, 500).optional() });
