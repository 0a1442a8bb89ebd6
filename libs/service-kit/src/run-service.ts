import { ConsoleLogger, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { readServiceConfig, type ServiceConfig } from './config';
import type { ServiceDescriptor } from './service-catalogue';
import { answerClientErrors } from './http/client-error';
import { correlationMiddleware } from './http/correlation.middleware';
import { jsonBodyParser } from './http/json-body';
import { methodNotAllowed, type RouteLayer } from './http/method-not-allowed';
import { LocalRateLimiter, rateLimitFromEnv, rateLimitMiddleware, RedisRateLimiter, type RateLimiter } from './http/rate-limit';
import { securityHeaders } from './http/security-headers';
import { httpTracing } from './tracing/http-tracing.middleware';
import { startTracing } from './tracing/tracing';

/**
 * The per-key limit on `/v1`: shared across replicas through Redis when the service has one,
 * per process otherwise. The Redis client connects on the first request that needs it.
 */
function rateLimiterFor(redisUrl: string | undefined): RateLimiter & { close(): void } {
  const limit = rateLimitFromEnv();
  if (!redisUrl) return Object.assign(new LocalRateLimiter(limit), { close: () => undefined });
  // Fail open fast: no queueing while disconnected, and a command that gets no answer gives up in 100 ms.
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 100, connectTimeout: 1000 });
  redis.on('error', () => undefined); // the limiter lets requests through while Redis is away
  const limiter = new RedisRateLimiter(redis, limit);
  return {
    // Connects on the first /v1 request, so services without a public API (projectors) open nothing.
    take: (caller, now) => {
      if (redis.status === 'wait') void redis.connect().catch(() => undefined);
      return limiter.take(caller, now);
    },
    close: () => redis.disconnect(),
  };
}

/**
 * A client must send its headers within `headersMs` and its whole request within `requestMs`. Node
 * enforces both only when it checks its connections, every 30 s by default, which would let a slow
 * client hold a connection for up to 40 s: it checks every `checkEveryMs` instead.
 */
export const httpTimeouts = { headersMs: 10_000, requestMs: 30_000, checkEveryMs: 1_000 } as const;

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
  // Node's own warnings (deprecations, a driver's negative timeout) go through the JSON logger too.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn(`${warning.name}: ${warning.message}`));
  const tracing = startTracing(descriptor.name);
  let app: INestApplication | undefined;
  try {
    // The JSON body parser is ours (below, after the rate limit), so its failures are answered as problems.
    app = await NestFactory.create(rootModule(config), { logger, bufferLogs: false, bodyParser: false });
    app.enableShutdownHooks();
    const express = app.getHttpAdapter().getInstance() as { disable(setting: string): void; router: { stack: RouteLayer[] } };
    express.disable('x-powered-by');
    app.use(correlationMiddleware(logger));
    app.use(httpTracing());
    app.use(securityHeaders());
    app.use(methodNotAllowed(() => express.router.stack));
    const limiter = rateLimiterFor(config.redisUrl ?? process.env['REDIS_URL']);
    app.use('/v1', rateLimitMiddleware(limiter));
    app.use(jsonBodyParser());
    configure?.(app);
    const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
    // A client that trickles its headers or body is cut off instead of holding a connection forever.
    // Set before listening: Node reads the checking interval when the server starts listening.
    server.headersTimeout = httpTimeouts.headersMs;
    server.requestTimeout = httpTimeouts.requestMs;
    server.connectionsCheckingInterval = httpTimeouts.checkEveryMs;
    answerClientErrors(server);
    await app.listen(config.port, process.env['BIND_HOST'] ?? '0.0.0.0');
    server.on('close', () => {
      limiter.close();
      void tracing.shutdown().catch(() => undefined);
    });
  } catch (error) {
    // Close what did start (clients, timers) so the process can exit, and say why it failed.
    logger.fatal(`${descriptor.name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await app?.close().catch(() => undefined);
    process.exit(1);
  }
  logger.log(`${descriptor.name} listening on port ${config.port}`);
}
