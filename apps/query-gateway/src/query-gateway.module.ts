import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, dependencyChecks, type ServiceConfig } from '@eventide/service-kit';

@Module({})
export class QueryGatewayModule {
  static register(config: ServiceConfig): DynamicModule {
    return { module: QueryGatewayModule, imports: [HealthModule.register(dependencyChecks(config))] };
  }
}
