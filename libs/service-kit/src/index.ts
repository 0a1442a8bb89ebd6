export * from './service-catalogue';
export { readServiceConfig, parseApiKeys, dependencyEnv, commonServiceEnv, ConfigError, type ServiceConfig } from './config';
export { HealthModule } from './health/health.module';
export { dependencyChecks, mongoCheck, redisCheck, kafkaCheck, type DependencyCheck } from './health/dependency-checks';
export { assessReadiness, type ReadinessReport } from './health/readiness';
export { runService } from './run-service';
