import Redis from 'ioredis';
import type { RedisProjection } from '@eventide/util';
import type { StoredEvent, StreamRef } from '@eventide/event-store';
import type { StreamWrite, WriteOutcome } from './projection-sink';
import { redisReadModelKey } from './read-model-names';
import { dropRedisGeneration, RedisSink } from './redis.sink';

/**
 * The Redis sink against a real Redis: a stream's events in one batch go in one script call, which
 * checks the applied version event by event. A failure at event k, in Redis (the script) or in the
 * projection (encoding), leaves the stream's events before k applied and recorded, and names k.
 */
jest.setTimeout(30_000);

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const family = `sink-${run}`;
const tenant = `tenant-${run}`;

/** Counts every application (so a duplicate shows); `wrongType` makes Redis refuse the event's second write, `refuse` makes the projection throw. */
const counting: RedisProjection = {
  view: 'counting',
  aggregateType: 'item',
  handles: ['ItemTouched'],
  apply(event) {
    if (event.data['refuse'] === true) throw new Error(`refused event ${event.version}`);
    const id = event.metadata.aggregateId;
    return [
      { op: 'hincrby', key: `item:${id}`, field: 'applied', by: 1 },
      ...(event.data['wrongType'] === true ? [{ op: 'hincrby' as const, key: 'not-a-hash', field: 'f', by: 1 }] : []),
      { op: 'hset', key: `item:${id}`, values: { version: event.version, [`v${event.version}`]: 'x' } },
      { op: 'zadd', key: 'a-sorted-set', member: `${id}:${event.version}`, score: event.version },
    ];
  },
};

const streamOf = (id: string): StreamRef => ({ tenant, aggregateType: 'item', aggregateId: id });

function eventsOf(id: string, from: number, to: number, data: (version: number) => Record<string, unknown> = () => ({})): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let version = from; version <= to; version++) {
    const eventId = `${id}-${version}`;
    const metadata = { eventId, type: 'ItemTouched', schemaVersion: 1, aggregateType: 'item', aggregateId: id, version, tenant, timestamp: new Date(0).toISOString(), correlationId: eventId, causationId: eventId };
    events.push({ eventId, type: 'ItemTouched', schemaVersion: 1, data: data(version), version, metadata });
  }
  return events;
}

const writeOf = (id: string, loaded: number, events: StoredEvent[]): StreamWrite => ({ key: id, stream: streamOf(id), loaded: { version: loaded }, events, skipped: new Set() });

describe('RedisSink: one script call per stream and batch, the applied version checked per event', () => {
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const sink = new RedisSink(redis, family, [counting], 'item', 1);
  const key = (k: string) => redisReadModelKey(family, 1, tenant, k);
  const appliedAt = async (id: string) => Number((await redis.hget(key('applied:item'), id)) ?? 0);
  const item = (id: string) => redis.hgetall(key(`item:${id}`));
  const summary = (outcome: WriteOutcome | undefined) => (outcome?.kind === 'failed' ? { kind: 'failed', view: outcome.failure.view, version: outcome.failure.version, message: outcome.failure.message } : outcome);

  afterAll(async () => {
    await dropRedisGeneration(redis, family, 1);
    redis.disconnect();
  });

  it('applies every stream of a batch, each event once and in order', async () => {
    const outcomes = await sink.write([writeOf('a', 0, eventsOf('a', 1, 3)), writeOf('b', 0, eventsOf('b', 1, 1))]);
    expect([...outcomes.entries()]).toEqual([
      ['a', { kind: 'applied' }],
      ['b', { kind: 'applied' }],
    ]);
    expect(await item('a')).toEqual({ applied: '3', version: '3', v1: 'x', v2: 'x', v3: 'x' });
    expect(await appliedAt('a')).toBe(3);
    expect(await redis.zrange(key('a-sorted-set'), 0, -1)).toEqual(['a:1', 'b:1', 'a:2', 'a:3']);
  });

  it('skips events already applied and reports the stream moved when it is not where the batch expected', async () => {
    // Versions 1..3 are applied already, 4 continues them: it is applied once, and the stream re-planned.
    expect(summary((await sink.write([writeOf('a', 0, eventsOf('a', 1, 4))])).get('a'))).toEqual({ kind: 'moved' });
    expect(await item('a')).toMatchObject({ applied: '4', version: '4' });
    // The stream is at 1, the batch thought 2: nothing runs.
    expect(summary((await sink.write([writeOf('b', 2, eventsOf('b', 3, 4))])).get('b'))).toEqual({ kind: 'moved' });
    expect(await item('b')).toEqual({ applied: '1', version: '1', v1: 'x' });
    expect(await appliedAt('b')).toBe(1);
  });

  it('fails a stream at the event whose writes Redis refuses, keeping its earlier events of the same call applied', async () => {
    await redis.zadd(key('not-a-hash'), 1, 'm');
    const outcomes = await sink.write([writeOf('c', 0, eventsOf('c', 1, 5, (v) => ({ wrongType: v === 3 }))), writeOf('d', 0, eventsOf('d', 1, 2))]);
    expect(summary(outcomes.get('c'))).toMatchObject({ kind: 'failed', view: 'counting', version: 3, message: expect.stringContaining('WRONGTYPE') });
    expect(summary(outcomes.get('d'))).toEqual({ kind: 'applied' });
    // 1 and 2 applied and recorded; 3 ran its first write only (Redis keeps what a failing script wrote), not recorded; 4 and 5 never ran.
    expect(await appliedAt('c')).toBe(2);
    expect(await item('c')).toEqual({ applied: '3', version: '2', v1: 'x', v2: 'x' });
    expect(await appliedAt('d')).toBe(2);

    // Retried from where it stopped once the projection no longer refuses: 3..5 apply, in order.
    expect(summary((await sink.write([writeOf('c', 2, eventsOf('c', 3, 5))])).get('c'))).toEqual({ kind: 'applied' });
    expect(await appliedAt('c')).toBe(5);
    expect(await item('c')).toMatchObject({ version: '5', v3: 'x', v5: 'x' });
  });

  it('fails a stream at the event its projection refuses, sending the events before it', async () => {
    const outcomes = await sink.write([writeOf('e', 0, eventsOf('e', 1, 4, (v) => ({ refuse: v === 3 }))), writeOf('f', 0, eventsOf('f', 1, 1, () => ({ refuse: true })))]);
    expect(summary(outcomes.get('e'))).toMatchObject({ kind: 'failed', view: 'counting', version: 3, message: expect.stringContaining('refused event 3') });
    expect(summary(outcomes.get('f'))).toMatchObject({ kind: 'failed', version: 1 });
    expect(await appliedAt('e')).toBe(2);
    expect(await item('e')).toEqual({ applied: '2', version: '2', v1: 'x', v2: 'x' });
    expect(await appliedAt('f')).toBe(0);
    expect(await item('f')).toEqual({});
  });

  it('treats skipped versions as advancing the position without writes', async () => {
    const w = { ...writeOf('g', 0, eventsOf('g', 1, 3)), skipped: new Set([2]) };
    expect(summary((await sink.write([w])).get('g'))).toEqual({ kind: 'applied' });
    expect(await appliedAt('g')).toBe(3);
    expect(await item('g')).toEqual({ applied: '2', version: '3', v1: 'x', v3: 'x' });
  });
});
