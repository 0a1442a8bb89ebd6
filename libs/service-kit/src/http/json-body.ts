import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { problem, ProblemError } from './problem';

/** Largest JSON body a service accepts (express's default, which §3's 413 is tested against). */
export const MAX_JSON_BODY = '100kb';

/**
 * What a body-parser failure means to the client, as a problem. Every failure of reading a body is
 * the client's: a body that is not JSON, too large, in a charset or content encoding we do not
 * speak, or that does not decode (a `Content-Encoding: gzip` body that is not gzip).
 */
export function bodyProblem(error: { status?: unknown; type?: unknown }): ProblemError {
  const type = typeof error.type === 'string' ? error.type : '';
  if (type === 'entity.too.large' || error.status === 413) return new ProblemError(problem('payload-too-large', { detail: `the body is larger than ${MAX_JSON_BODY}` }));
  if (type === 'charset.unsupported' || type === 'encoding.unsupported' || error.status === 415) {
    return new ProblemError(problem('unsupported-media-type', { detail: 'send Content-Type: application/json in UTF-8, without a Content-Encoding or with gzip, deflate or br that decodes' }));
  }
  if (type === 'entity.parse.failed') return new ProblemError(problem('malformed-json', { detail: 'the body could not be parsed as JSON' }));
  return new ProblemError(problem('malformed-json', { detail: 'the body could not be read: its length or content encoding does not match what was sent' }));
}

/**
 * The JSON body parser of every service, in place of the framework's: its failures become problems
 * here, where their cause is known (the framework turns some into a bare 400 and lets others, such
 * as a body that does not inflate, through as 500s).
 */
export function jsonBodyParser() {
  const parse = json({ limit: MAX_JSON_BODY });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => next(error === undefined ? undefined : bodyProblem(error as { status?: unknown; type?: unknown })));
  };
}
