import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { translateStoreError } from '@eventide/event-store';
import { problem, problemFor, ProblemError } from '@eventide/service-kit';

export interface StoredResponse {
  status: number;
  body: unknown;
}

interface IdempotencyDoc {
  _id: string;
  requestHash: string;
  state: 'pending' | 'done';
  lockedUntil: Date;
  createdAt: Date;
  response?: StoredResponse;
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/** The event store's name for a keyed request: the same only for the same tenant, key and request. */
const commandKey = (id: string, hash: string): string => createHash('sha256').update(`${id}\n${hash}`).digest('base64url');

/** Hash of what makes two requests "the same": method, path and body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('base64url');
}

/** One run of a keyed request, as the command it executes sees it. */
export interface IdempotentAttempt {
  /**
   * Names the request (tenant-scoped digest of key, method, path and body) for the event store, whose
   * unique index on it makes a second append of the same command impossible.
   */
  commandKey: string;
  /** An earlier attempt was claimed and never answered (it crashed or hit an outage): it may have appended. */
  resumed: boolean;
}

/**
 * `Idempotency-Key` (G9): the first request with a key runs and its answer is kept (24 h); a retry
 * with the same key and body gets that answer again without running; the same key with another
 * body is refused. A record is claimed with an insert on its `_id`, so two concurrent retries can
 * never both run. If the process dies mid-request (or the store fails), the claim expires (after
 * `lockMs`, or at once on an outage) and a retry runs as a resumed attempt: the command looks for
 * the commit its first attempt may have made and answers from it, because the answer is recorded
 * after the append and a crash in between must not apply the command twice.
 */
export class IdempotencyStore {
  private readonly collection: Collection<IdempotencyDoc>;

  constructor(
    db: Db,
    private readonly lockMs = 30_000,
  ) {
    this.collection = db.collection<IdempotencyDoc>('idempotency_keys');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ createdAt: 1 }, { expireAfterSeconds: 24 * 3600 }).catch(() => undefined);
  }

  static validKey(key: string): boolean {
    return KEY.test(key);
  }

  /** Runs `execute` at most once per key; an unreachable MongoDB surfaces as the store's 503 error. */
  async run(tenant: string, key: string, hash: string, execute: (attempt: IdempotentAttempt) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    try {
      return await this.runOnce(tenant, key, hash, execute);
    } catch (error) {
      throw translateStoreError(error);
    }
  }

  private async runOnce(tenant: string, key: string, hash: string, execute: (attempt: IdempotentAttempt) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    const id = `${tenant}|${key}`;
    const now = new Date();
    const claimed = await this.collection
      .insertOne({ _id: id, requestHash: hash, state: 'pending', lockedUntil: new Date(now.getTime() + this.lockMs), createdAt: now })
      .then(() => true)
      .catch((error: { code?: number }) => {
        if (error.code === 11000) return false;
        throw error;
      });
    if (!claimed) {
      const existing = await this.collection.findOne({ _id: id });
      if (existing && existing.requestHash !== hash) {
        throw new ProblemError(problem('idempotency-key-reused', { detail: 'this Idempotency-Key was first used with another method, path or body' }));
      }
      if (existing?.state === 'done' && existing.response) return { ...existing.response, replayed: true };
      const takenOver = await this.collection.findOneAndUpdate(
        { _id: id, state: 'pending', lockedUntil: { $lt: now } },
        { $set: { lockedUntil: new Date(now.getTime() + this.lockMs) } },
      );
      if (!takenOver) {
        throw new ProblemError(problem('idempotency-key-in-flight', { detail: 'retry when the first request has finished' }), { 'Retry-After': '1' });
      }
    }
    const attempt: IdempotentAttempt = { commandKey: commandKey(id, hash), resumed: !claimed };
    let response: StoredResponse;
    try {
      response = await execute(attempt);
    } catch (error) {
      // A refusal (4xx) is an answer to keep; an outage is not, so a retry may run again, at once,
      // as a resumed attempt (the append may have succeeded although the answer was an error).
      const { body } = problemFor(error);
      if (body.status >= 400 && body.status < 500) {
        await this.finish(id, { status: body.status, body });
      } else {
        await this.collection.updateOne({ _id: id, state: 'pending' }, { $set: { lockedUntil: new Date(0) } }).catch(() => undefined);
      }
      throw error;
    }
    await this.finish(id, response);
    return { ...response, replayed: false };
  }

  private async finish(id: string, response: StoredResponse): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { state: 'done', response } });
  }
}
