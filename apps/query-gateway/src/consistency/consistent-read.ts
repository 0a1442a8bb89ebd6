import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { decodeConsistencyToken, problem, ProblemError, type AuthenticatedRequest } from '@eventide/service-kit';
import { ConsistencyTimeout, ConsistencyWaiter } from './consistency-waiter';

const READS_FROM = 'eventide:reads-from';
export const DEFAULT_CONSISTENCY_TIMEOUT_MS = 5000;
export const MAX_CONSISTENCY_TIMEOUT_MS = 30_000;

/** Marks a route as served by a projection family, so `X-Consistency-Token` waits for that family. */
export const ReadsFrom = (family: string) => SetMetadata(READS_FROM, family);

const invalid = (detail: string) => new ProblemError(problem('validation-failed', { detail }));

function timeoutOf(raw: string | string[] | undefined): number {
  if (raw === undefined) return DEFAULT_CONSISTENCY_TIMEOUT_MS;
  const value = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= MAX_CONSISTENCY_TIMEOUT_MS)) throw invalid(`X-Consistency-Timeout-Ms must be an integer from 1 to ${MAX_CONSISTENCY_TIMEOUT_MS}`);
  return value;
}

/**
 * Read-your-writes (G6): when a request carries the consistency token a command returned, the
 * route answers only once the read model behind it has applied that write, or with a 504 naming
 * the lagging projection after the timeout. Without a token nothing waits.
 */
@Injectable()
export class ConsistentReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ConsistencyWaiter) private readonly waiter: ConsistencyWaiter,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const family = this.reflector.get<string | undefined>(READS_FROM, context.getHandler());
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const raw = request.headers['x-consistency-token'];
    if (!family || raw === undefined) return next.handle();
    const timeoutMs = timeoutOf(request.headers['x-consistency-timeout-ms']);
    const point = typeof raw === 'string' ? decodeConsistencyToken(raw) : undefined;
    // A token of another tenant is refused like a malformed one: it must not reveal anything either.
    if (!point || point.tenant !== request.tenant) throw invalid('X-Consistency-Token is not a token this API issued to you');
    const source = this.waiter.sourceFor(family, point.aggregateType);
    if (!source) throw invalid(`this route reads ${family}, which does not follow ${point.aggregateType} events`);
    try {
      await this.waiter.waitFor(source, point, point.version, timeoutMs);
    } catch (error) {
      if (!(error instanceof ConsistencyTimeout)) throw error;
      throw new ProblemError(
        problem('consistency-timeout', {
          detail: error.message,
          projection: error.projection,
          requiredVersion: error.requiredVersion,
          appliedVersion: error.appliedVersion,
          versionsBehind: error.requiredVersion - error.appliedVersion,
          waitedMs: error.waitedMs,
        }),
        { 'Retry-After': '1' },
      );
    }
    return next.handle();
  }
}
