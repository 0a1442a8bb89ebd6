import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, dependencyChecks, type ServiceConfig } from '@eventide/service-kit';

@Module({})
export class ProjectorMongoModule {
  static register(config: ServiceConfig): DynamicModule {
    return { module: ProjectorMongoModule, imports: [HealthModule.register(dependencyChecks(config))] };
  }
}
