import type { Db, WriteConcernSettings } from 'mongodb';
import type { AppendContext, NewEvent, StreamRef } from '@eventide/event-store';

/** The event store's default write concern; the baselines use the same one. */
export const STORE_WRITE_CONCERN: WriteConcernSettings = { w: 'majority', journal: true, wtimeoutMS: 5000 };

/** Seconds each side runs per repetition. */
export const sideSeconds = (profile: 'quick' | 'full'): number => (profile === 'quick' ? 0.5 : 1.5);

/** Seconds per side for the service pairs, whose requests take longer. */
export const serviceSeconds = (profile: 'quick' | 'full'): number => (profile === 'quick' ? 1.2 : 3);

/** `count` reference-domain product events (a create, then restocks), the shapes every write pair appends. */
export function productEvents(count: number, startVersion: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) =>
    startVersion + i === 1
      ? { type: 'ProductCreated', data: { name: 'Desk lamp', description: 'warm light', price: 1999, quantity: 10 } }
      : { type: 'ProductRestocked', data: { quantity: 5, currentStock: 10 + 5 * (startVersion + i - 1) } },
  );
}

export const appendContext = (id: string): AppendContext => ({ correlationId: id, causationId: id, occurredAt: new Date() });

export const productStream = (tenant: string, id: string): StreamRef => ({ tenant, aggregateType: 'product', aggregateId: id });

let collections = 0;
/** A fresh collection name per side and repetition, so no side inherits a grown collection from the other. */
export const freshCollection = (prefix: string): string => `${prefix}_${++collections}`;

/** Drops the pair's database, ignoring a server that is already gone. */
export async function dropDb(db: Db | undefined): Promise<void> {
  await db?.dropDatabase().catch(() => undefined);
}
