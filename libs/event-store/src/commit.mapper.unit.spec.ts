import { toCommitDoc, toStoredEvents } from './commit.mapper';
import { EventSchemaRegistry } from './event-schema.registry';
import type { AppendContext } from './event-store.types';

const stream = { tenant: 't1', aggregateType: 'Product', aggregateId: 'p-1' };
const schemas = new EventSchemaRegistry({ Renamed: { version: 2, upcasters: { 1: (d) => ({ name: d['title'] }) } } });
const context: AppendContext = {
  correlationId: 'corr',
  causationId: 'cause',
  occurredAt: new Date('2026-03-04T05:06:07.089Z'),
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  tracestate: 'vendor=1',
};
const input = (overrides: Partial<Parameters<typeof toCommitDoc>[0]> = {}) => ({
  stream,
  fromVersion: 4,
  events: [
    { type: 'Created', data: { a: 1 } },
    { type: 'Renamed', data: { name: 'x' } },
  ],
  context,
  committedAt: new Date('2026-03-04T05:06:08Z'),
  partition: 7,
  schemas,
  ...overrides,
});

describe('commit documents', () => {
  it('hold every event of an append under one id keyed by the first version', () => {
    const doc = toCommitDoc(input());
    expect(doc).toMatchObject({ _id: 't1|Product|p-1|4', fromVersion: 4, toVersion: 5, partition: 7, pending: true, tenant: 't1' });
    expect(doc.events.map((e) => [e.version, e.type, e.schemaVersion])).toEqual([
      [4, 'Created', 1],
      [5, 'Renamed', 2],
    ]);
    expect(new Set(doc.events.map((e) => e.eventId)).size).toBe(2);
  });

  it('uses caller-chosen event ids and refuses a count that does not match', () => {
    expect(toCommitDoc(input({ context: { ...context, eventIds: ['e1', 'e2'] } })).events.map((e) => e.eventId)).toEqual(['e1', 'e2']);
    expect(() => toCommitDoc(input({ context: { ...context, eventIds: ['e1'] } }))).toThrow(TypeError);
    expect(() => toCommitDoc(input({ events: [] }))).toThrow('at least one event');
    expect(() => toCommitDoc(input({ context: { ...context, occurredAt: new Date('nope') } }))).toThrow(TypeError);
    expect(() => toCommitDoc(input({ partition: Number.NaN }))).toThrow('partitionOf');
  });

  it('read back as events carrying every metadata field of the spec', () => {
    const [first] = toStoredEvents(toCommitDoc(input({ context: { ...context, eventIds: ['e1', 'e2'] } })), schemas);
    expect(first?.metadata).toEqual({
      eventId: 'e1',
      type: 'Created',
      schemaVersion: 1,
      aggregateType: 'Product',
      aggregateId: 'p-1',
      version: 4,
      tenant: 't1',
      timestamp: '2026-03-04T05:06:07.089Z',
      correlationId: 'corr',
      causationId: 'cause',
      traceparent: context.traceparent,
      tracestate: 'vendor=1',
    });
  });

  it('read back upcast when stored under an older schema version', () => {
    const doc = toCommitDoc(input({ events: [{ type: 'Renamed', data: { title: 'old' }, schemaVersion: 1 }] }));
    const [event] = toStoredEvents(doc, schemas);
    expect(event).toMatchObject({ schemaVersion: 2, data: { name: 'old' }, metadata: { schemaVersion: 2 } });
    expect(doc.events[0]?.data).toEqual({ title: 'old' });
  });
});
