import type { Type } from '@nestjs/common';
import { DashboardController } from './dashboard/dashboard.controller';
import { HistoryController } from './history/history.controller';
import { OrdersController } from './orders/orders.controller';
import { ProductsController } from './products/products.controller';

/** Every controller of the gateway. */
export const gatewayControllers: Type[] = [ProductsController, OrdersController, DashboardController, HistoryController];
