import { type DocumentProjection, type RedisProjection } from '@eventide/util';
import { customerOrders } from './customer-orders.projection';
import { dashboard } from './dashboard.projection';
import { latestOrders } from './latest-orders.projection';
import { orderDetails } from './order-details.projection';
import { productDetails } from './product-details.projection';
import { productSummary } from './product-summary.projection';
import { stockLevels } from './stock-levels.projection';
import { topProducts } from './top-products.projection';

/** Every MongoDB document read model of the reference domain. */
export const mongoReadModels = [productDetails, productSummary, orderDetails, customerOrders] as const satisfies readonly DocumentProjection<object>[];

/** Every Redis read model of the reference domain. */
export const redisReadModels = [stockLevels, topProducts, dashboard, latestOrders] as const satisfies readonly RedisProjection[];
