import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { problem, ProblemError } from './problem';

export interface AuthenticatedRequest extends Request {
  tenant?: string;
}

/**
 * Authenticates `X-Api-Key: <key>` or `Authorization: Bearer <key>` against the API_KEYS map and
 * pins the request to the key's tenant; anything else is a 401 problem.
 */
/** Injection token of the key -> tenant map an ApiKeyGuard checks against. */
export const API_KEYS = Symbol('API_KEYS');

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(API_KEYS) private readonly keys: ReadonlyMap<string, string>) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers['x-api-key'];
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const key = typeof header === 'string' ? header : bearer;
    const tenant = key === undefined ? undefined : this.keys.get(key);
    if (!tenant) {
      throw new ProblemError(problem('unauthenticated', { detail: key === undefined ? 'send X-Api-Key or Authorization: Bearer' : 'unknown API key' }), {
        'WWW-Authenticate': 'Bearer',
      });
    }
    request.tenant = tenant;
    return true;
  }
}

/** The caller's tenant, as established by ApiKeyGuard. */
export const Tenant = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenant = context.switchToHttp().getRequest<AuthenticatedRequest>().tenant;
  if (!tenant) throw new Error('Tenant used on a route without ApiKeyGuard');
  return tenant;
});
