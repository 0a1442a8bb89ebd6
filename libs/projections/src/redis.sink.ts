import { ReplyError, type Redis } from 'ioredis';
import type { RedisProjection, RedisWrite } from '@eventide/util';
import type { StoredEvent, StreamRef } from '@eventide/event-store';
import { ProjectionFailure, type Loaded, type ProjectionSink, type StreamWrite, type WriteOutcome } from './projection-sink';
import { redisCompleteMarker, redisGenerationPrefix, redisReadModelKey } from './read-model-names';
import { REDIS_APPLY_SCRIPT } from './redis-apply.script';

type RedisWithApply = Redis & {
  applyReadModelEvent(numKeys: number, ...args: string[]): Promise<number>;
};

/** Why a write cannot run (the script would fail half way through), or undefined when it can. */
export function invalidWrite(w: RedisWrite): string | undefined {
  const integer = (n: number) => Number.isSafeInteger(n);
  switch (w.op) {
    case 'hset':
      return Object.keys(w.values).length === 0 ? 'hset without fields' : Object.values(w.values).some((v) => typeof v === 'number' && !Number.isFinite(v)) ? 'hset of a non-finite number' : undefined;
    case 'hincrby':
      return integer(w.by) ? undefined : `hincrby by ${w.by}, not an integer`;
    case 'zincrby':
      return Number.isFinite(w.by) ? undefined : `zincrby by ${w.by}`;
    case 'zadd':
      return Number.isFinite(w.score) ? undefined : `zadd with score ${w.score}`;
    case 'ztrim':
      return integer(w.keep) && w.keep >= 0 ? undefined : `ztrim keeping ${w.keep}`;
    case 'del':
      return undefined;
  }
}

/** Encodes writes for the script: keys become KEYS indexes, every argument a string. */
function encode(writes: readonly RedisWrite[], keys: string[], fullKey: (key: string) => string): string {
  const indexOf = (key: string) => {
    const full = fullKey(key);
    let i = keys.indexOf(full);
    if (i < 0) i = keys.push(full) - 1;
    return String(i + 1);
  };
  return JSON.stringify(
    writes.map((w) => {
      switch (w.op) {
        case 'hset':
          return ['hset', indexOf(w.key), ...Object.entries(w.values).flatMap(([f, v]) => [f, String(v)])];
        case 'hincrby':
          return ['hincrby', indexOf(w.key), w.field, String(w.by)];
        case 'zincrby':
          return ['zincrby', indexOf(w.key), w.member, String(w.by)];
        case 'zadd':
          return ['zadd', indexOf(w.key), w.member, String(w.score)];
        case 'ztrim':
          return ['ztrim', indexOf(w.key), String(w.keep)];
        case 'del':
          return ['del', indexOf(w.key)];
      }
    }),
  );
}

/**
 * The Redis read models of one aggregate type in one generation. Each event's writes, from every
 * view that follows the type, run in one script call that also checks and records the stream's
 * applied version; a batch is one pipeline.
 */
export class RedisSink implements ProjectionSink {
  readonly view: string;
  private readonly redis: RedisWithApply;

  constructor(
    redis: Redis,
    readonly family: string,
    private readonly projections: readonly RedisProjection[],
    readonly aggregateType: string,
    readonly generation: number,
  ) {
    this.view = projections.map((p) => p.view).join('+');
    if (projections.some((p) => p.aggregateType !== aggregateType)) throw new TypeError(`every view of this sink must follow ${aggregateType}`);
    this.redis = redis as RedisWithApply;
    if (!this.redis.applyReadModelEvent) this.redis.defineCommand('applyReadModelEvent', { lua: REDIS_APPLY_SCRIPT });
  }

  private appliedKey(tenant: string): string {
    return redisReadModelKey(this.family, this.generation, tenant, `applied:${this.aggregateType}`);
  }

  /** Redis needs nothing created ahead. */
  prepare(): Promise<void> {
    return Promise.resolve();
  }

  async drop(): Promise<void> {
    await dropRedisGeneration(this.redis, this.family, this.generation);
  }

  async load(streams: readonly { key: string; stream: StreamRef }[]): Promise<Map<string, Loaded>> {
    const pipeline = this.redis.pipeline();
    for (const s of streams) pipeline.hget(this.appliedKey(s.stream.tenant), s.stream.aggregateId);
    const replies = (await pipeline.exec()) ?? [];
    return new Map(
      streams.map((s, i) => {
        const [error, value] = replies[i] ?? [new Error('no reply')];
        if (error) throw error;
        return [s.key, { version: value ? Number(value) : 0 }];
      }),
    );
  }

  async write(writes: readonly StreamWrite[]): Promise<Map<string, WriteOutcome>> {
    const outcomes = new Map<string, WriteOutcome>();
    const pipeline = this.redis.pipeline();
    const calls: string[] & { version: number[] } = Object.assign([], { version: [] as number[] });
    for (const w of writes) {
      let previous = w.loaded.version;
      for (const event of w.events) {
        const encoded = this.encodeEvent(w, event);
        if (encoded instanceof ProjectionFailure) {
          outcomes.set(w.key, { kind: 'failed', failure: encoded });
          break;
        }
        (pipeline as unknown as RedisWithApply).applyReadModelEvent(encoded.keys.length, ...encoded.keys, w.stream.aggregateId, String(event.version), String(previous), encoded.writes);
        calls.push(w.key);
        calls.version.push(event.version);
        previous = event.version;
      }
      if (!outcomes.has(w.key)) outcomes.set(w.key, { kind: 'applied' });
    }
    if (calls.length === 0) return outcomes;
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, result], i) => {
      const key = calls[i] as string;
      // An error reply from the script is about this event's writes; anything else is the connection.
      if (error instanceof ReplyError) outcomes.set(key, { kind: 'failed', failure: new ProjectionFailure(this.view, calls.version[i] ?? 0, error) });
      else if (error) throw error;
      else if (result !== 1 && outcomes.get(key)?.kind !== 'failed') outcomes.set(key, { kind: 'moved' });
    });
    return outcomes;
  }

  private encodeEvent(w: StreamWrite, event: StoredEvent): { keys: string[]; writes: string } | ProjectionFailure {
    const keys = [this.appliedKey(w.stream.tenant)];
    const writes: RedisWrite[] = [];
    if (!w.skipped.has(event.version)) {
      for (const projection of this.projections) {
        try {
          const produced = projection.apply(event);
          const bad = produced.map(invalidWrite).find((reason) => reason !== undefined);
          // Checked before anything runs: a script failing half way would leave part of its writes.
          if (bad) throw new Error(`invalid read-model write: ${bad}`);
          writes.push(...produced);
        } catch (error) {
          return new ProjectionFailure(projection.view, event.version, error);
        }
      }
    }
    return { keys, writes: encode(writes, keys, (key) => redisReadModelKey(this.family, this.generation, w.stream.tenant, key)) };
  }
}

/** Deletes every key of a Redis generation (SCAN + UNLINK, never KEYS), marker included. */
export async function dropRedisGeneration(redis: Redis, family: string, generation: number): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisGenerationPrefix(family, generation)}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.del(redisCompleteMarker(family, generation));
  return deleted;
}
