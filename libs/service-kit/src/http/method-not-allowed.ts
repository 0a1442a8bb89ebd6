import type { NextFunction, Request, Response } from 'express';
import { problem } from './problem';

/** What this needs of an Express router layer: a route's methods, and whether its path matches. */
export interface RouteLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}

/** The methods the routes matching `path` answer (HEAD wherever GET is); empty when no route matches. */
export function allowedMethods(stack: readonly RouteLayer[], path: string): string[] {
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    let matches = false;
    try {
      matches = Boolean(layer.match(path));
    } catch {
      // A path whose parameters do not decode matches nothing here; the router answers it.
    }
    if (!matches) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on) methods.add(method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/**
 * Express middleware: a known path asked with a method none of its routes serves is a 405
 * problem+json with `Allow` (RFC 9110), not a 404 as if the path did not exist. The routes are
 * read from the router on each request (they are registered after this middleware).
 */
export function methodNotAllowed(routes: () => readonly RouteLayer[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const allowed = allowedMethods(routes(), req.path);
    if (allowed.length === 0 || allowed.includes('_ALL') || allowed.includes(req.method)) return next();
    res.setHeader('Allow', allowed.join(', '));
    res.status(405).type('application/problem+json').send(JSON.stringify(problem('method-not-allowed', { detail: `${req.path} answers ${allowed.join(', ')}`, instance: req.originalUrl })));
  };
}
