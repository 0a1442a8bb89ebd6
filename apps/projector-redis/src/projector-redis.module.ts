import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, dependencyChecks, type ServiceConfig } from '@eventide/service-kit';

@Module({})
export class ProjectorRedisModule {
  static register(config: ServiceConfig): DynamicModule {
    return { module: ProjectorRedisModule, imports: [HealthModule.register(dependencyChecks(config))] };
  }
}
