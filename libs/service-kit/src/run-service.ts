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
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(rootModule(config), { logger, bufferLogs: false });
    app.enableShutdownHooks();
    app.use(correlationMiddleware(logger));
    configure?.(app);
    await app.listen(config.port, process.env['BIND_HOST'] ?? '0.0.0.0');
  } catch (error) {
    // Close what did start (clients, timers) so the process can exit, and say why it failed.
    logger.fatal(`${descriptor.name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await app?.close().catch(() => undefined);
    process.exit(1);
  }
  logger.log(`${descriptor.name} listening on port ${config.port}`);
}
