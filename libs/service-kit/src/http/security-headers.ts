import type { NextFunction, Request, Response } from 'express';

/**
 * Headers every API answer carries: no sniffing, no framing, no referrer, and a CSP that allows
 * nothing (JSON needs nothing). The OpenAPI explorer under /docs loads its own scripts and styles.
 */
export function securityHeaders() {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!req.path.startsWith('/docs')) res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    next();
  };
}
