import { z } from 'zod';

/**
 * The response bodies of the gateway as zod schemas: the OpenAPI document is built from them and
 * the mappers' types are inferred from them, so the two cannot drift.
 */
const money = z.number().describe('Money: a number with at most two decimals');
const instant = z.string().describe('ISO-8601 date-time, as stored');
const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page');
const orderStatus = z.enum(['pending', 'confirmed', 'rejected', 'paid', 'cancelled']);

export const productDetailsWire = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  price: money,
  availableStock: z.number().int(),
  reservedStock: z.number().int(),
  createdAt: instant,
  updatedAt: instant,
  version: z.number().int().min(1).describe('Stream version this answer reflects; also the ETag'),
});

export const productPageWire = z.strictObject({
  items: z.array(z.strictObject({ id: z.string(), name: z.string(), price: money, availableStock: z.number().int(), createdAt: instant })),
  nextCursor,
});

export const productStockWire = z.strictObject({ id: z.string(), availableStock: z.number().int(), reservedStock: z.number().int(), version: z.number().int() });

export const dashboardWire = z.strictObject({
  ordersPlaced: z.number().int(),
  ordersConfirmed: z.number().int(),
  revenue: money.describe('Captured payments'),
  topProducts: z.array(z.strictObject({ productId: z.string(), unitsSold: z.number() })).max(10),
  latestOrders: z.array(z.strictObject({ id: z.string(), customerId: z.string(), total: money, status: orderStatus, placedAt: instant })).max(10),
});

export const orderDetailsWire = z.strictObject({
  id: z.string(),
  customerId: z.string(),
  status: orderStatus,
  lines: z.array(z.strictObject({ productId: z.string(), quantity: z.number().int(), unitPrice: money, lineTotal: money })),
  total: money,
  placedAt: instant,
  updatedAt: instant,
  rejectionReason: z.string().optional(),
  cancellationReason: z.string().optional(),
  payment: z.strictObject({ paymentId: z.string(), amount: money, capturedAt: instant }).optional(),
  version: z.number().int().min(1),
});

export const customerOrdersPageWire = z.strictObject({
  items: z.array(z.strictObject({ orderId: z.string(), status: orderStatus, total: money, lineCount: z.number().int(), placedAt: instant, updatedAt: instant })),
  nextCursor,
});

export const historyWire = z.strictObject({
  events: z.array(
    z.strictObject({
      type: z.string(),
      version: z.number().int().min(1),
      data: z.record(z.string(), z.unknown()).describe('As stored, upcast to the current schema: money in integer minor units (cents)'),
      metadata: z.looseObject({
        eventId: z.string(),
        type: z.string(),
        schemaVersion: z.number().int(),
        aggregateType: z.string(),
        aggregateId: z.string(),
        version: z.number().int(),
        tenant: z.string(),
        timestamp: instant,
        correlationId: z.string(),
        causationId: z.string().describe('The event or request that caused this one'),
        traceparent: z.string().optional(),
        tracestate: z.string().optional(),
      }),
    }),
  ),
});
