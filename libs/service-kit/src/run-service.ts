import { ConsoleLogger, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readServiceConfig, type ServiceConfig } from './config';
import type { ServiceDescriptor } from './service-catalogue';
import { correlationMiddleware } from './http/correlation.middleware';

/**
 * Starts a service: reads and checks its configuration, builds its root module from it, logs JSON,
 * listens on its port, and shuts down gracefully on SIGTERM/SIGINT. A bad configuration exits
 * with code 78 (EX_CONFIG) and names the variable.
 */
export async function runService(
  descriptor: ServiceDescriptor,
  rootModule: (config: ServiceConfig) => DynamicModule,
  configure?: (app: INestApplication) => void,
): Promise<void> {
  const logger = new ConsoleLogger({ json: true, context: descriptor.name });
  let config: ServiceConfig;
  try {
    config = readServiceConfig(descriptor);
  } catch (error) {
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exit(78);
  }
  const app = await NestFactory.create(rootModule(config), { logger, bufferLogs: false });
  app.enableShutdownHooks();
  app.use(correlationMiddleware(logger));
  configure?.(app);
  await app.listen(config.port, process.env['BIND_HOST'] ?? '0.0.0.0');
  logger.log(`${descriptor.name} listening on port ${config.port}`);
}
