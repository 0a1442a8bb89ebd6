import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { infraSettings } from '@eventide/local-infra';
import type { SpanLine } from '@eventide/service-kit';
import { traceFile } from './stack';

// W3C trace context from an HTTP request, through the event store and Kafka headers, into the
// fulfilment process and both projectors: one trace, one tree, visible in the local trace file.
const commandUrl = process.env['COMMAND_SERVICE_URL'];
const [apiKey] = ((process.env['API_KEYS'] ?? '').split(',')[0] ?? '').split('=');

jest.setTimeout(60_000);

async function spansOf(traceId: string): Promise<SpanLine[]> {
  const text = await readFile(traceFile(infraSettings().stateDir), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.includes(traceId))
    .map((line) => JSON.parse(line) as SpanLine);
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${commandUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey ?? '', ...headers }, body: JSON.stringify(body) });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

describe('a trace across the running stack', () => {
  it('continues the caller’s trace from the HTTP request into fulfilment and both projectors, as one tree', async () => {
    const product = (await post('/v1/products', { name: 'Traced kettle', description: '', price: 30, quantity: 5 }))['id'] as string;
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    await post('/v1/orders', { customerId: 'tracer', lines: [{ productId: product, quantity: 1 }] }, { traceparent: `00-${traceId}-${callerSpan}-01` });

    const wanted = (spans: SpanLine[]) =>
      ['command-service', 'projector-mongo', 'projector-redis'].every((service) => spans.some((s) => s.service === service)) &&
      spans.some((s) => s.name === 'fulfil OrderPlaced') &&
      spans.some((s) => s.name.includes('apply ProductQuantityReserved')) &&
      spans.some((s) => s.name.startsWith('publish ') && s.attributes?.['eventide.version'] === 1);
    let spans: SpanLine[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !wanted(spans)) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      spans = await spansOf(traceId);
    }
    expect(wanted(spans)).toBe(true);

    // One tree: the request's server span hangs under the caller's span, and every other span has its parent in the trace.
    const server = spans.find((s) => s.service === 'command-service' && s.kind === 1);
    expect(server?.parentSpanId).toBe(callerSpan);
    const ids = new Set(spans.map((s) => s.spanId));
    for (const span of spans.filter((s) => s !== server)) expect(ids.has(span.parentSpanId ?? '')).toBe(true);
    // The reservation the fulfilment process made is part of the same trace, under its span.
    const fulfil = spans.find((s) => s.name === 'fulfil OrderPlaced');
    const reserved = spans.filter((s) => s.name.includes('apply ProductQuantityReserved'));
    expect(reserved.length).toBeGreaterThan(0);
    expect(reserved.every((s) => s.parentSpanId === fulfil?.spanId)).toBe(true);

    // The publisher's span: from the order's event to the Kafka commit that made it visible, split
    // into the wait for a batch, the outbox read and the transaction; the projectors start after it.
    const published = spans.find((s) => s.name.startsWith('publish ') && s.attributes?.['eventide.version'] === 1);
    expect(published?.parentSpanId).toBe(server?.spanId);
    const parts = ['eventide.waited_ms', 'eventide.find_ms', 'eventide.send_ms'].map((k) => published?.attributes?.[k]);
    for (const part of parts) expect(part).toEqual(expect.any(Number));
    expect((parts as number[]).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual((published?.durationMs ?? 0) + 1);
    const applied = spans.filter((s) => s.name.includes('apply OrderPlaced'));
    expect(applied.length).toBeGreaterThan(0);
    for (const apply of applied) {
      // The publisher notes the commit when Kafka answers; a consumer may see the events a little earlier.
      expect(apply.startMs).toBeGreaterThanOrEqual((published?.startMs ?? 0) + (published?.durationMs ?? 0) - 100);
      expect(apply.attributes?.['eventide.kafka_wait_ms']).toEqual(expect.any(Number));
    }
  });
});
