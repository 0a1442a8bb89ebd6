import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { HealthController } from './health.controller';
import { DEPENDENCY_CHECKS } from './health.tokens';
import type { DependencyCheck } from './dependency-checks';

/** `/health/live` and `/health/ready` over the given dependency checks, closed on shutdown. */
@Module({})
export class HealthModule implements OnApplicationShutdown {
  constructor(@Inject(DEPENDENCY_CHECKS) private readonly checks: DependencyCheck[]) {}

  static register(checks: DependencyCheck[]): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: DEPENDENCY_CHECKS, useValue: checks }],
    };
  }

  async onApplicationShutdown() {
    await Promise.allSettled(this.checks.map((c) => c.close()));
  }
}
