import type { StoredEvent } from '@eventide/event-store';

/** A chunk's events split per order (tenant and id), each list in version order. */
export function eventsByOrder(events: readonly StoredEvent[]): StoredEvent[][] {
  const groups = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const key = `${event.metadata.tenant}\u0000${event.metadata.aggregateId}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return [...groups.values()].map((group) => group.sort((a, b) => a.version - b.version));
}

/**
 * Runs `work` over `items`, at most `limit` at a time. Every item is attempted and all are
 * settled before the first failure is thrown, so a retry never overlaps work still in flight.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
