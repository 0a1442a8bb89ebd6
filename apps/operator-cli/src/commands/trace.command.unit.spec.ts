import type { SpanLine } from '@eventide/service-kit';
import { renderTrace } from './trace.command';

const span = (spanId: string, name: string, service: string, startMs: number, parentSpanId?: string): SpanLine => ({
  traceId: 't',
  spanId,
  name,
  service,
  kind: 1,
  startMs,
  durationMs: 2,
  status: 0,
  attributes: {},
  ...(parentSpanId ? { parentSpanId } : {}),
});

describe('renderTrace', () => {
  it('given spans of three services, when rendered, then children hang under their parents in start order', () => {
    const text = renderTrace([
      span('c', 'projector-mongo apply OrderPlaced', 'projector-mongo', 30, 'a'),
      span('a', 'POST /v1/orders', 'command-service', 0),
      span('b', 'fulfil OrderPlaced', 'command-service', 20, 'a'),
      span('d', 'projector-redis apply ProductQuantityReserved', 'projector-redis', 40, 'b'),
    ]);
    expect(text.split('\n')).toEqual([
      'POST /v1/orders  [command-service]  +0.0 ms, 2.0 ms',
      '├─ fulfil OrderPlaced  [command-service]  +20.0 ms, 2.0 ms',
      '│  └─ projector-redis apply ProductQuantityReserved  [projector-redis]  +40.0 ms, 2.0 ms',
      '└─ projector-mongo apply OrderPlaced  [projector-mongo]  +30.0 ms, 2.0 ms',
      '',
    ]);
  });
});
