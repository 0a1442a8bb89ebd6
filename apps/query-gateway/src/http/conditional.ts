import type { Request, Response } from 'express';

/** The strong ETag of a read model version: `"7"`. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Whether an `If-None-Match` header matches `etag`: `*`, or any listed tag compared weakly
 * (`W/"7"` matches `"7"`), as RFC 9110 asks for GET.
 */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .includes(etag);
}

/**
 * Answers a versioned read: `ETag` and `Cache-Control: private, no-cache` always (a cache may keep
 * it but must revalidate), and 304 without a body when the client already holds this version.
 */
export function sendVersioned(request: Request, response: Response, version: number, body: unknown): void {
  const etag = etagOf(version);
  response.setHeader('ETag', etag);
  response.setHeader('Cache-Control', 'private, no-cache');
  if (noneMatchHits(request.header('if-none-match'), etag)) {
    response.status(304).end();
    return;
  }
  response.status(200).json(body);
}
