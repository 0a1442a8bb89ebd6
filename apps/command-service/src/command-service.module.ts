import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, dependencyChecks, type ServiceConfig } from '@eventide/service-kit';

@Module({})
export class CommandServiceModule {
  static register(config: ServiceConfig): DynamicModule {
    return { module: CommandServiceModule, imports: [HealthModule.register(dependencyChecks(config))] };
  }
}
