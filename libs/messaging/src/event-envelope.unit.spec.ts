import { fromKafkaMessage, toKafkaMessage, UndecodableMessageError, type EventEnvelope } from './event-envelope';

const event: EventEnvelope = {
  eventId: 'e-1',
  type: 'ProductCreated',
  schemaVersion: 2,
  version: 1,
  data: { name: 'Lamp', price: 1999 },
  metadata: {
    eventId: 'e-1',
    type: 'ProductCreated',
    schemaVersion: 2,
    aggregateType: 'product',
    aggregateId: 'p-1',
    version: 1,
    tenant: 'acme',
    timestamp: '2026-01-01T00:00:00.000Z',
    correlationId: 'c-1',
    causationId: 'c-1',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  },
};

describe('Kafka event envelope', () => {
  it('is keyed by aggregate id and carries the metadata as headers', () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe('p-1');
    expect(message.headers).toMatchObject({
      'event-type': 'ProductCreated',
      'aggregate-id': 'p-1',
      version: '1',
      tenant: 'acme',
      'correlation-id': 'c-1',
      'causation-id': 'c-1',
      traceparent: event.metadata.traceparent,
    });
    expect(message.headers).not.toHaveProperty('tracestate');
  });

  it('round-trips through the wire format', () => {
    const message = toKafkaMessage(event);
    expect(fromKafkaMessage({ value: Buffer.from(message.value as string) })).toEqual(event);
  });

  it.each([null, Buffer.from('not json'), Buffer.from('{"hello":1}')])('refuses %p as undecodable', (value) => {
    expect(() => fromKafkaMessage({ value })).toThrow(UndecodableMessageError);
  });
});
