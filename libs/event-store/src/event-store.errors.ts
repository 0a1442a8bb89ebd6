import { DomainError } from '@eventide/util';
import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import type { Commit } from './event-store.types';

/**
 * An append's expected version is not the stream's head (someone else appended first, or the
 * client's `If-Match` is stale). `actualVersion` is the head when it is known.
 */
export class ConcurrencyError extends DomainError {
  constructor(
    readonly expectedVersion: number,
    readonly actualVersion?: number,
  ) {
    super(
      'concurrency',
      actualVersion === undefined
        ? `expected version ${expectedVersion} is no longer the stream's head`
        : `expected version ${expectedVersion}, but the stream is at version ${actualVersion}`,
      'wrong-expected-version',
      actualVersion === undefined ? { expectedVersion } : { expectedVersion, actualVersion },
    );
  }
}

/** The event store's server could not be reached or is not able to serve (answer 503, retry later). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'store-unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * An append carried an idempotency key that an earlier commit of the tenant already has: the
 * command has taken effect before (for example, its first attempt appended and then the process
 * died before answering). Nothing was stored; `commit` is the earlier commit, to answer from.
 */
export class DuplicateCommandError extends Error {
  override readonly name = 'DuplicateCommandError';
  constructor(readonly commit: Commit) {
    super(`idempotency key already appended as commit ${commit.id}`);
  }
}

export const isConcurrencyError = (error: unknown): error is ConcurrencyError => error instanceof ConcurrencyError;
export const isStoreUnavailable = (error: unknown): error is StoreUnavailableError => error instanceof StoreUnavailableError;
export const isDuplicateCommand = (error: unknown): error is DuplicateCommandError => error instanceof DuplicateCommandError;

/** Server codes of a node that is shutting down, stepping down or cannot reach its peers. */
const UNAVAILABLE_SERVER_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

/** True when a driver error says the server is out of reach rather than that the request was wrong. */
export function isUnavailable(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    // The write concern timed out: the write's fate is unknown until a majority is back, so retry later.
    error instanceof MongoWriteConcernError
  ) {
    return true;
  }
  return error instanceof MongoServerError && typeof error.code === 'number' && UNAVAILABLE_SERVER_CODES.has(error.code);
}

/** True for a unique-key violation (E11000), however the driver reports it. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoError && error.code === 11000;
}

/** Maps an unreachable server to {@link StoreUnavailableError}; any other error passes through unchanged. */
export function translateStoreError(error: unknown): unknown {
  if (!isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`event store unavailable: ${reason}`, { cause: error });
}

/** Runs a driver operation, rethrowing an unreachable server as {@link StoreUnavailableError}. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateStoreError(error);
  }
}
