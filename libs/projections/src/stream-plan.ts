/** An event as the planner needs it: its version in its stream. */
export interface Versioned {
  version: number;
}

/** What to do with the events of one stream that arrived in one batch. */
export type StreamPlan<E extends Versioned> =
  /** Every event is already applied (a duplicate or a redelivery). */
  | { kind: 'nothing' }
  /** Apply these, in order: they continue the stream right after its applied version. */
  | { kind: 'apply'; events: E[] }
  /**
   * Versions are missing (a gap, or events reordered on the topic): read `from..to` from the
   * event store, which is the truth, and apply those instead.
   */
  | { kind: 'fill'; from: number; to: number };

/**
 * The version expected after `applied`, stepping over versions an operator chose to skip (they
 * count as applied without any effect).
 */
export function nextVersion(applied: number, skipped: ReadonlySet<number>): number {
  let next = applied + 1;
  while (skipped.has(next)) next++;
  return next;
}

/**
 * Plans how a stream's events from a batch (any order, possibly duplicated) continue its read model,
 * given the version the read model has applied. Ordering rests only on per-stream versions: there is
 * no global sequence. Pure, so the runtime's exactly-once argument can be checked without I/O.
 */
export function planStream<E extends Versioned>(applied: number, events: readonly E[], skipped: ReadonlySet<number> = new Set()): StreamPlan<E> {
  const byVersion = new Map<number, E>();
  for (const event of events) if (event.version > applied && !byVersion.has(event.version)) byVersion.set(event.version, event);
  if (byVersion.size === 0) return { kind: 'nothing' };
  const last = Math.max(...byVersion.keys());
  const ordered: E[] = [];
  for (let v = nextVersion(applied, skipped); v <= last; v = nextVersion(v, skipped)) {
    const event = byVersion.get(v);
    if (!event) return { kind: 'fill', from: applied + 1, to: last };
    ordered.push(event);
  }
  return ordered.length === 0 ? { kind: 'nothing' } : { kind: 'apply', events: ordered };
}
