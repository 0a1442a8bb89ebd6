import type { Request, Response } from 'express';
import { problem, ProblemError } from '@eventide/service-kit';
import { IdempotencyStore, requestHash, type IdempotentAttempt } from '../idempotency/idempotency.store';
import type { CommandResult } from './command-executor';

/**
 * Answers a command: runs it through Idempotency-Key handling when the header is present, sets
 * the ETag header, and sends `{ id, version, consistencyToken }`.
 */
export async function respond(
  request: Request,
  response: Response,
  idempotency: IdempotencyStore,
  tenant: string,
  successStatus: 200 | 201,
  run: (attempt?: IdempotentAttempt) => Promise<CommandResult>,
): Promise<void> {
  const key = request.header('idempotency-key');
  const execute = async (attempt?: IdempotentAttempt) => ({ status: successStatus, body: await run(attempt) });
  let outcome: { status: number; body: unknown; replayed: boolean };
  if (key === undefined) {
    outcome = { ...(await execute()), replayed: false };
  } else {
    if (!IdempotencyStore.validKey(key)) {
      throw new ProblemError(problem('validation-failed', { detail: 'Idempotency-Key must be 1-200 visible ASCII characters', errors: [{ field: 'Idempotency-Key', message: 'invalid' }] }));
    }
    outcome = await idempotency.run(tenant, key, requestHash(request.method, request.path, request.body), execute);
  }
  if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
  const body = outcome.body as Partial<CommandResult> & { status?: number };
  if (outcome.status >= 400) {
    response.status(outcome.status).type('application/problem+json').send(JSON.stringify(body));
    return;
  }
  if (typeof body.version === 'number') response.setHeader('ETag', `"${body.version}"`);
  // From the answer, not the request: a replayed create names the resource the first request made.
  if (outcome.status === 201 && typeof body.id === 'string') response.setHeader('Location', `${request.baseUrl}${request.path}/${body.id}`);
  response.status(outcome.status).json(body);
}
