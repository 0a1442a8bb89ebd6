import type { StreamRef } from './event-store.types';

const SEPARATOR = '|';

/** Escapes the separator (and the escape character) so distinct streams never share a key. */
const escapePart = (part: string): string => part.replace(/%/g, '%25').replace(/\|/g, '%7C');

/** `<tenant>|<aggregateType>|<aggregateId>`, injective over streams. */
export function streamKey(stream: StreamRef): string {
  return [stream.tenant, stream.aggregateType, stream.aggregateId].map(escapePart).join(SEPARATOR);
}

/** The `_id` of the commit that starts a stream at `fromVersion`. */
export function commitId(stream: StreamRef, fromVersion: number): string {
  return `${streamKey(stream)}${SEPARATOR}${fromVersion}`;
}

/** The `_id` of a stream's snapshot document. */
export function snapshotId(stream: StreamRef): string {
  return streamKey(stream);
}

/** The equality filter selecting one stream's commit documents. */
export function streamFilter(stream: StreamRef): StreamRef {
  return { tenant: stream.tenant, aggregateType: stream.aggregateType, aggregateId: stream.aggregateId };
}

/** Throws a TypeError unless every part of the stream is a non-empty string. */
export function assertStreamRef(stream: StreamRef): void {
  for (const part of ['tenant', 'aggregateType', 'aggregateId'] as const) {
    const value: unknown = stream?.[part];
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`stream.${part} must be a non-empty string`);
  }
}

/** Throws a TypeError unless `version` is a non-negative integer. */
export function assertVersion(version: number, what: string): void {
  if (!Number.isSafeInteger(version) || version < 0) throw new TypeError(`${what} must be a non-negative integer, got ${String(version)}`);
}
