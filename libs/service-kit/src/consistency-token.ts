/** Where a write landed: enough for a reader to wait until a projection has applied it. */
export interface ConsistencyPoint {
  tenant: string;
  aggregateType: string;
  aggregateId: string;
  version: number;
}

/** An opaque, URL-safe token for a consistency point (base64url of a small JSON array). */
export function encodeConsistencyToken(point: ConsistencyPoint): string {
  const json = JSON.stringify([1, point.tenant, point.aggregateType, point.aggregateId, point.version]);
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The point a token names, or undefined when the token is not one of ours. */
export function decodeConsistencyToken(token: string): ConsistencyPoint | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(token)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 5 || parsed[0] !== 1) return undefined;
    const [, tenant, aggregateType, aggregateId, version] = parsed as unknown[];
    if (typeof tenant !== 'string' || typeof aggregateType !== 'string' || typeof aggregateId !== 'string') return undefined;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return undefined;
    return { tenant, aggregateType, aggregateId, version };
  } catch {
    return undefined;
  }
}
