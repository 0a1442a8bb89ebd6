import type { DynamicModule } from '@nestjs/common';
import { mongoReadModelFamily, ProjectorModule } from '@eventide/read-side';
import type { ServiceConfig } from '@eventide/service-kit';

/** ProductDetails, ProductSummary, OrderDetails and CustomerOrderHistory, kept in MongoDB. */
export const projectorMongoModule = (config: ServiceConfig): DynamicModule => ProjectorModule.register(config, ({ db }) => mongoReadModelFamily(db));
