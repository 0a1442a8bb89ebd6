import type { Redis } from 'ioredis';
import { Gauge, Histogram, Counter, register } from 'prom-client';
import { decodeProgress, progressChannel } from '@eventide/projections';
import type { StreamPoint, VersionSource } from './version-sources';

/** The read model did not reach the version in time. */
export class ConsistencyTimeout extends Error {
  override readonly name = 'ConsistencyTimeout';
  constructor(
    readonly projection: string,
    readonly requiredVersion: number,
    readonly appliedVersion: number,
    readonly waitedMs: number,
  ) {
    super(`${projection} is at version ${appliedVersion} of this stream, ${requiredVersion - appliedVersion} behind the version ${requiredVersion} you wrote`);
  }
}

interface Waiter {
  version: number;
  resolve: () => void;
}

const metric = <T>(name: string, make: () => T): T => (register.getSingleMetric(name) as T | undefined) ?? make();
const waiting = metric('consistency_waiting_requests', () => new Gauge({ name: 'consistency_waiting_requests', help: 'Requests waiting for their write to become visible' }));
const waits = metric('consistency_wait_seconds', () => new Histogram({ name: 'consistency_wait_seconds', help: 'How long consistency-token reads waited', labelNames: ['outcome'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] }));
const timeouts = metric('consistency_timeouts_total', () => new Counter({ name: 'consistency_timeouts_total', help: 'Consistency-token reads answered 504', labelNames: ['projection'] }));

const keyOf = (family: string, p: StreamPoint) => `${family}|${p.tenant}|${p.aggregateType}|${p.aggregateId}`;

/**
 * Lets requests wait until a read model has applied a given version of a stream, cheaply: waiters
 * sit in memory; projectors announce what each chunk applied on Redis pub/sub and the announcement
 * wakes the matching waiters at once; a single batched poll per family (one query for all waiters,
 * not one per request) covers missed announcements. A thousand waiters cost one query per tick.
 */
export class ConsistencyWaiter {
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly points = new Map<string, { source: VersionSource; point: StreamPoint }>();
  private readonly applied = new Map<string, number>();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly sources: readonly VersionSource[],
    private readonly subscriber: Redis | undefined,
    private readonly isActive: (family: string, generations: number[]) => boolean,
    private readonly pollMs = 250,
  ) {}

  async start(): Promise<void> {
    if (!this.subscriber) return;
    this.subscriber.on('message', (channel: string, message: string) => this.onAnnouncement(channel, message));
    const subscribe = () => this.subscriber?.subscribe(...this.sources.map((s) => progressChannel(s.family))).catch(() => undefined);
    // ioredis re-subscribes only channels it subscribed successfully: after a failed first try, retry whenever Redis comes back.
    this.subscriber.on('ready', () => void subscribe());
    await subscribe();
  }

  stop(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  /** Stops polling and leaves the announcement channels. */
  close(): void {
    this.stop();
    this.subscriber?.disconnect();
  }

  /** The source that answers for `aggregateType` in `family`, if that family follows it. */
  sourceFor(family: string, aggregateType: string): VersionSource | undefined {
    return this.sources.find((s) => s.family === family && s.follows(aggregateType));
  }

  /** Resolves once `source` has applied `version` of the stream; throws {@link ConsistencyTimeout} after `timeoutMs`. */
  async waitFor(source: VersionSource, point: StreamPoint, version: number, timeoutMs: number): Promise<void> {
    const started = Date.now();
    const key = keyOf(source.family, point);
    const [current = 0] = await source.versions([point]);
    if (current >= version) {
      waits.observe({ outcome: 'immediate' }, (Date.now() - started) / 1000);
      return;
    }
    let entry: Waiter | undefined;
    const reached = new Promise<void>((resolve) => {
      entry = { version, resolve };
      const list = this.waiters.get(key);
      if (list) list.push(entry);
      else this.waiters.set(key, [entry]);
      this.points.set(key, { source, point });
      if (current > (this.applied.get(key) ?? 0)) this.applied.set(key, current);
      waiting.inc();
    });
    this.poller ??= setInterval(() => void this.poll(), this.pollMs);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([reached.then(() => 'reached' as const), expired]);
    clearTimeout(timer);
    waits.observe({ outcome }, (Date.now() - started) / 1000);
    if (outcome === 'reached') return;
    const applied = this.applied.get(key) ?? current;
    if (entry) this.remove(key, entry);
    timeouts.inc({ projection: source.projectionFor(point.aggregateType) });
    throw new ConsistencyTimeout(source.projectionFor(point.aggregateType), version, applied, Date.now() - started);
  }

  private onAnnouncement(channel: string, message: string): void {
    const progress = decodeProgress(message);
    if (!progress || channel !== progressChannel(progress.family) || !this.isActive(progress.family, progress.generations)) return;
    for (const stream of progress.streams) this.note(keyOf(progress.family, stream), stream.version);
  }

  /** Records a stream's applied version and wakes every waiter it satisfies. */
  private note(key: string, version: number): void {
    const list = this.waiters.get(key);
    if (!list) return;
    if (version > (this.applied.get(key) ?? 0)) this.applied.set(key, version);
    const still = list.filter((w) => (w.version <= version ? (w.resolve(), waiting.dec(), false) : true));
    this.setWaiters(key, still);
  }

  /** Removes this very waiter (by identity: others may wait for the same version with other timeouts). */
  private remove(key: string, entry: Waiter): void {
    const list = this.waiters.get(key) ?? [];
    const index = list.indexOf(entry);
    if (index >= 0) {
      list.splice(index, 1);
      waiting.dec();
    }
    this.setWaiters(key, list);
  }

  private setWaiters(key: string, list: Waiter[]): void {
    if (list.length) this.waiters.set(key, list);
    else {
      this.waiters.delete(key);
      this.points.delete(key);
      this.applied.delete(key);
    }
    if (this.waiters.size === 0) this.stop();
  }

  /** One batched read per family for every stream someone waits for; a slow round is never overlapped. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const bySource = new Map<VersionSource, { key: string; point: StreamPoint }[]>();
      for (const [key, { source, point }] of this.points) {
        const list = bySource.get(source);
        if (list) list.push({ key, point });
        else bySource.set(source, [{ key, point }]);
      }
      await Promise.all(
        [...bySource].map(async ([source, list]) => {
          const versions = await source.versions(list.map((l) => l.point)).catch(() => undefined);
          versions?.forEach((v, i) => this.note((list[i] as { key: string }).key, v));
        }),
      );
    } finally {
      this.polling = false;
    }
  }
}
