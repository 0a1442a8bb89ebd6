import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface CorrelatedRequest extends Request {
  correlationId?: string;
}

/**
 * Gives every request a correlation id (the caller's `X-Correlation-Id` when it is sane, else a new
 * one), echoes it in the response, and logs one structured line per request when it finishes.
 * Health and metrics probes are not logged: they would drown everything else.
 */
export function correlationMiddleware(logger: LoggerService) {
  return (req: CorrelatedRequest, res: Response, next: NextFunction) => {
    const given = req.header('x-correlation-id');
    const correlationId = given && CORRELATION_ID.test(given) ? given : randomUUID();
    req.correlationId = correlationId;
    res.setHeader('X-Correlation-Id', correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (req.path.startsWith('/health') || req.path === '/metrics') return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.log({ message: 'request', method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, correlationId });
    });
    next();
  };
}
