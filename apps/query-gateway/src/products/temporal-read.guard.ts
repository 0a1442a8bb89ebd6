import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * A temporal product read (`?asOf=` or `?atVersion=`) folds the event store, which holds every
 * acknowledged write already: it has nothing to wait for. This guard drops the request's
 * `X-Consistency-Token` (and its timeout) before the read-your-writes interceptor sees them, so
 * such reads never wait on a projection. Guards run before interceptors, which makes this work.
 */
@Injectable()
export class TemporalReadsSkipConsistency implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const query = (request.query ?? {}) as Record<string, unknown>;
    if (query['asOf'] !== undefined || query['atVersion'] !== undefined) {
      delete request.headers['x-consistency-token'];
      delete request.headers['x-consistency-timeout-ms'];
    }
    return true;
  }
}
