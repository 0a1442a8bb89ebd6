import { z } from 'zod';

import { parseMoney } from '@eventide/domain';
import { idSchema } from '@eventide/service-kit';

export { idSchema };

/**
 * Money on the wire: a positive JSON number with at most two decimals, so at least 0.01. The decimals
 * are checked by the domain's `parseMoney` (the number must be the double nearest to a whole number of
 * cents). The document says it with `multipleOf: 0.01`, which zod's input-side JSON Schema cannot see.
 */
export const priceSchema = z
  .number()
  .positive()
  .max(1e9)
  .refine((n) => typeof parseMoney(n) === 'number', 'must have at most two decimals')
  .meta({ multipleOf: 0.01 });

/** What JavaScript's `trim` removes: a trimmed text must keep a character outside this set. */
const TRIMMED = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

export const quantitySchema = z.number().int().min(1).max(1_000_000);

/** Text of `min` to `max` characters once trimmed; the document asks for a character that is not blank. */
const text = (min: number, max: number) =>
  z.string().trim().min(min).max(max).meta({ pattern: `[^${TRIMMED}]` });

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
