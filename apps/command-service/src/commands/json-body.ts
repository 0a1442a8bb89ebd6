import type { Request } from 'express';
import type { z } from 'zod';
import { parseOrProblem, problem, ProblemError } from '@eventide/service-kit';
import { idSchema } from './request-schemas';

/** The request's JSON body validated against a strict schema (415 when it is not JSON). */
export function jsonBody<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  if (!request.is('application/json')) {
    throw new ProblemError(problem('unsupported-media-type', { detail: 'send Content-Type: application/json' }));
  }
  return parseOrProblem(schema, request.body);
}

/** A path id, refused unless it is a plain id (no traversal, no operators). */
export function pathId(value: string): string {
  return parseOrProblem(idSchema, value, 'path id');
}
