import { ReplyError, type Redis } from 'ioredis';
import type { RedisProjection, RedisWrite } from '@eventide/util';
import type { StreamRef } from '@eventide/event-store';
import { ProjectionFailure, type Loaded, type ProjectionSink, type StreamWrite, type WriteOutcome } from './projection-sink';
import { redisCompleteMarker, redisGenerationPrefix, redisReadModelKey } from './read-model-names';
import { REDIS_APPLY_SCRIPT } from './redis-apply.script';

type RedisWithApply = Redis & {
  applyReadModelEvents(numKeys: number, ...args: string[]): Promise<number | [string, string]>;
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

/** One write as the script takes it: its key as a KEYS index, every other argument a string. */
function encodeWrite(w: RedisWrite, index: number): (string | number)[] {
  switch (w.op) {
    case 'hset': {
      const encoded: (string | number)[] = ['hset', index];
      for (const field of Object.keys(w.values)) encoded.push(field, String(w.values[field]));
      return encoded;
    }
    case 'hincrby':
      return ['hincrby', index, w.field, String(w.by)];
    case 'zincrby':
      return ['zincrby', index, w.member, String(w.by)];
    case 'zadd':
      return ['zadd', index, w.member, String(w.score)];
    case 'ztrim':
      return ['ztrim', index, String(w.keep)];
    case 'del':
      return ['del', index];
  }
}

/** One stream's script call: its keys and events, and the failure of the event it stopped at, if any. */
interface EncodedStream {
  keys: string[];
  events: unknown[][];
  failure?: ProjectionFailure;
}

/**
 * The Redis read models of one aggregate type in one generation. A stream's events in a batch,
 * with the writes of every view that follows the type, run in one script call that checks and
 * records the stream's applied version event by event; a batch is one pipeline.
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
    if (!this.redis.applyReadModelEvents) this.redis.defineCommand('applyReadModelEvents', { lua: REDIS_APPLY_SCRIPT });
  }

  /** The hash of the streams' applied versions, beside the model (a read-model key of its own). */
  private get appliedName(): string {
    return `applied:${this.aggregateType}`;
  }

  private appliedKey(tenant: string): string {
    return redisReadModelKey(this.family, this.generation, tenant, this.appliedName);
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
    const pipeline = this.redis.pipeline() as unknown as RedisWithApply;
    const calls: { key: string; first: number }[] = [];
    for (const w of writes) {
      // Events before one that cannot be encoded still go; the stream fails at that one.
      const { keys, events, failure } = this.encodeStream(w);
      outcomes.set(w.key, failure ? { kind: 'failed', failure } : { kind: 'applied' });
      if (events.length === 0) continue;
      pipeline.applyReadModelEvents(keys.length, ...keys, w.stream.aggregateId, String(w.loaded.version), JSON.stringify(events));
      calls.push({ key: w.key, first: w.events[0]?.version ?? 0 });
    }
    if (calls.length === 0) return outcomes;
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, result], i) => {
      const { key, first } = calls[i] as { key: string; first: number };
      // The script catches its events' failures, so an error reply means it ran nothing: the stream
      // fails at its first event. Anything other than a reply is the connection.
      if (error instanceof ReplyError) outcomes.set(key, { kind: 'failed', failure: new ProjectionFailure(this.view, first, error) });
      else if (error) throw error;
      else if (Array.isArray(result)) outcomes.set(key, { kind: 'failed', failure: new ProjectionFailure(this.view, Number(result[0]), new ReplyError(String(result[1]))) });
      else if (result !== 1 && outcomes.get(key)?.kind !== 'failed') outcomes.set(key, { kind: 'moved' });
    });
    return outcomes;
  }

  /** A stream's events for the script, up to the first one a view refuses or writes invalidly. */
  private encodeStream(w: StreamWrite): EncodedStream {
    // A read-model key is the tenant's prefix and the key; the same key gets the same KEYS index.
    const prefix = redisReadModelKey(this.family, this.generation, w.stream.tenant, '');
    const applied = this.appliedName;
    const keys = [prefix + applied];
    const indexes = new Map<string, number>([[applied, 1]]);
    const indexOf = (key: string): number => {
      let index = indexes.get(key);
      if (index === undefined) indexes.set(key, (index = keys.push(prefix + key)));
      return index;
    };
    const events: unknown[][] = [];
    for (const event of w.events) {
      const encoded: unknown[] = [String(event.version)];
      if (!w.skipped.has(event.version)) {
        for (const projection of this.projections) {
          let produced: readonly RedisWrite[];
          try {
            produced = projection.apply(event);
            // Checked before anything runs: a script failing half way would leave part of its writes.
            for (const write of produced) {
              const bad = invalidWrite(write);
              if (bad) throw new Error(`invalid read-model write: ${bad}`);
            }
          } catch (error) {
            return { keys, events, failure: new ProjectionFailure(projection.view, event.version, error) };
          }
          for (const write of produced) encoded.push(encodeWrite(write, indexOf(write.key)));
        }
      }
      events.push(encoded);
    }
    return { keys, events };
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
