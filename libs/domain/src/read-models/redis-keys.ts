/** How many orders the `latest-orders` sorted set keeps. */
export const LATEST_ORDERS_KEPT = 100;

/** Tenant-relative Redis keys of the read models, shared by the projections and the query gateway. */
export const redisKeys = {
  /** Hash: availableStock, reservedStock, version. */
  stock: (productId: string): string => `stock:${productId}`,
  /** Hash: ordersPlaced, ordersConfirmed, revenue (minor units). */
  dashboard: 'dashboard',
  /** Sorted set: productId scored by net units reserved for orders. */
  topProducts: 'top-products',
  /** Sorted set: orderId scored by placement time (epoch ms). */
  latestOrders: 'latest-orders',
  /** Hash: id, customerId, total, status, placedAt. */
  order: (orderId: string): string => `order:${orderId}`,
} as const;
