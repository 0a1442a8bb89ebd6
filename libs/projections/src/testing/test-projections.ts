import type { DocumentProjection, ProjectedEvent, RedisProjection } from '@eventide/util';

/** A switch the poison tests flip: while on, events whose data says `poison` are refused. */
export const poison = { on: true };

const refuseIfPoisoned = (event: ProjectedEvent) => {
  if (poison.on && event.data['poison'] === true) throw new Error(`poisoned event ${event.version}`);
};

export interface ItemLog {
  /** Every version applied, in the order applied: exactly-once and order in one field. */
  versions: number[];
  lastType: string;
  /** `data.colour` of the last event: schema version 2 of ItemTouched has it (v1 events are upcast). */
  colour?: unknown;
}

/** Test read model: logs each applied version, so a duplicate or a reordering shows. */
export const itemLog: DocumentProjection<ItemLog> = {
  view: 'item-log',
  aggregateType: 'item',
  handles: ['ItemTouched'],
  evolve(doc, event) {
    refuseIfPoisoned(event);
    return { versions: [...(doc?.versions ?? []), event.version], lastType: event.type, colour: event.data['colour'] ?? null };
  },
  indexes: [{ name: 'tenant_id', key: { tenant: 1, _id: 1 } }],
};

/** Redis test read model: a total that counts every application (so duplicates show) and a per-item version set. */
export const itemTotals: RedisProjection = {
  view: 'item-totals',
  aggregateType: 'item',
  handles: ['ItemTouched'],
  apply(event) {
    refuseIfPoisoned(event);
    return [
      { op: 'hincrby', key: 'totals', field: 'events', by: 1 },
      { op: 'hincrby', key: `item:${event.metadata.aggregateId}`, field: 'applied', by: 1 },
      { op: 'hset', key: `item:${event.metadata.aggregateId}`, values: { version: event.version } },
    ];
  },
};
