import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';
import { isDomainError, type DomainError } from '@eventide/util';
import { problem, ProblemError, type Problem } from './problem';

/**
 * Errors meaning "a server we depend on is down", answered 503 with Retry-After: the driver's
 * connection errors, the event store's StoreUnavailableError, or anything flagged
 * `dependencyUnavailable`.
 */
export function isDependencyDown(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError || error instanceof MongoNotConnectedError || error instanceof MongoTopologyClosedError) {
    return true;
  }
  const flagged = error as { dependencyUnavailable?: boolean; code?: unknown; name?: unknown; message?: unknown } | null;
  if (flagged?.dependencyUnavailable === true || flagged?.code === 'store-unavailable') return true;
  // ioredis: out of retries, closed connection, offline queue disabled, command timeout; sockets refused or cut.
  if (flagged?.name === 'MaxRetriesPerRequestError') return true;
  if (typeof flagged?.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(flagged.code)) return true;
  return typeof flagged?.message === 'string' && /^(Connection is closed|Stream isn't writeable|Command timed out)/.test(flagged.message);
}

function fromDomain(error: DomainError): Problem {
  const extra = { detail: error.message, reason: error.reason, ...error.details };
  switch (error.code) {
    case 'validation':
      return problem('validation-failed', { ...extra, errors: [{ field: String(error.details['field'] ?? ''), message: error.message }] });
    case 'not-found':
      return problem('not-found', extra);
    case 'conflict':
      return problem('conflict', extra);
    case 'concurrency':
      return problem('version-mismatch', extra);
    case 'business-rule':
      return problem('business-rule', extra);
  }
}

function fromHttp(error: HttpException | { status?: number; type?: string }): Problem {
  const status = error instanceof HttpException ? error.getStatus() : (error.status ?? 500);
  const type = error instanceof HttpException ? undefined : error.type;
  if (type === 'entity.parse.failed') return problem('malformed-json', { detail: 'the body could not be parsed as JSON' });
  if (status === 413 || type === 'entity.too.large') return problem('payload-too-large');
  if (status === 404) return problem('not-found', { detail: 'no such route' });
  if (status === 405) return problem('method-not-allowed');
  if (status === 415) return problem('unsupported-media-type');
  if (status >= 400 && status < 500) return { ...problem('validation-failed'), status, detail: error instanceof Error ? error.message : undefined };
  return problem('internal-error');
}

/** How an error is answered over HTTP: typed errors by their code, everything unexpected as a 500. */
export function problemFor(error: unknown): { body: Problem; headers: Record<string, string> } {
  if (error instanceof ProblemError) return { body: error.problem, headers: error.headers };
  if (isDomainError(error)) return { body: fromDomain(error), headers: {} };
  if (isDependencyDown(error)) {
    return { body: problem('dependency-unavailable', { detail: 'a server this service needs did not answer; retry shortly' }), headers: { 'Retry-After': '2' } };
  }
  // http-errors marks the client's faults `expose: true` (a body that does not decode has no `type`).
  const clientFault = typeof error === 'object' && error !== null && (error as { expose?: unknown }).expose === true && typeof (error as { status?: unknown }).status === 'number';
  if (error instanceof HttpException || clientFault || (typeof error === 'object' && error !== null && 'status' in error && 'type' in error)) {
    return { body: fromHttp(error as HttpException), headers: {} };
  }
  return { body: problem('internal-error'), headers: {} };
}

/**
 * The one place where errors become HTTP answers: problem+json for everything, typed domain errors
 * mapped by code, dependency outages as 503, and anything unexpected as a logged 500 that reveals
 * nothing of the internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const answer = problemFor(error);
    // Only the unexpected is logged as an error: a 503 (dependency down) or a 504 (a consistency wait
    // that timed out) is an answer the contract foresees, not a fault of this service.
    if (answer.body.status === 500) {
      this.logger.error(`unhandled error on ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    const { body, headers } = answer;
    if (response.headersSent) return;
    response.status(body.status).set(headers).type('application/problem+json').send(JSON.stringify({ ...body, instance: request.originalUrl }));
  }
}
