import type { z } from 'zod';
import { problem, ProblemError } from './problem';

/**
 * Validates an untrusted value against a schema; on failure, a 400 problem with one entry per
 * offending field. Schemas are strict, so unknown fields and `{"$gt": ""}` in place of a value are
 * refused here, before anything reaches the domain or a database.
 */
export function parseOrProblem<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.slice(0, 20).map((issue) => ({
    field: issue.path.map(String).join('/') || what,
    message: issue.message,
  }));
  throw new ProblemError(problem('validation-failed', { detail: `the ${what} is not valid`, errors }));
}
