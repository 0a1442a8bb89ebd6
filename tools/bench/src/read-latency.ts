// Read latency of the running gateway (start the stack with `npm start` first; this reads the URLs
// and keys from the environment, e.g. `eval "$(node tools/bootstrap.mjs infra env)"` plus
// COMMAND_SERVICE_URL / QUERY_GATEWAY_URL / API_KEYS). Sequential requests, so the figures are
// latencies, not throughput. A measurement to read, not a test.
import { performance } from 'node:perf_hooks';

const commandUrl = process.env['COMMAND_SERVICE_URL'] ?? 'http://127.0.0.1:3001';
const gatewayUrl = process.env['QUERY_GATEWAY_URL'] ?? 'http://127.0.0.1:3000';
const key = ((process.env['API_KEYS'] ?? '').split(',')[0] ?? '').split('=')[0] ?? '';
const N = Number(process.env['BENCH_READS'] ?? 2000);

async function post(path: string, body: unknown): Promise<{ id: string; consistencyToken: string }> {
  const response = await fetch(`${commandUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; consistencyToken: string };
}

async function timed(path: string, headers: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${gatewayUrl}${path}`, { headers: { 'x-api-key': key, ...headers } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
  return performance.now() - started;
}

function summary(name: string, ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { name, n: ms.length, p50: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2), mean: +(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(2) };
}

async function main() {
  const products: { id: string; consistencyToken: string }[] = [];
  for (let i = 0; i < 50; i++) products.push(await post('/v1/products', { name: `Latency item ${i}`, description: 'bench', price: 10 + i, quantity: 100 }));
  const last = products[products.length - 1] as { id: string; consistencyToken: string };
  await timed(`/v1/products/${last.id}`, { 'x-consistency-token': last.consistencyToken, 'x-consistency-timeout-ms': '30000' });
  const pick = (i: number) => products[i % products.length] as { id: string; consistencyToken: string };
  const details: number[] = [];
  const withToken: number[] = [];
  const list: number[] = [];
  for (let i = 0; i < 100; i++) await timed(`/v1/products/${pick(i).id}`); // warm-up
  // Alternating, so drift on a shared machine hits both the same way.
  for (let i = 0; i < N; i++) {
    details.push(await timed(`/v1/products/${pick(i).id}`));
    withToken.push(await timed(`/v1/products/${pick(i).id}`, { 'x-consistency-token': pick(i).consistencyToken }));
    list.push(await timed('/v1/products?limit=20'));
  }
  const visible: number[] = [];
  for (let i = 0; i < Math.min(Number(process.env["BENCH_VISIBLE"] ?? 50), N); i++) {
    const started = performance.now();
    const written = await post(`/v1/products/${pick(i).id}/restock`, { quantity: 1 });
    await timed(`/v1/products/${pick(i).id}`, { 'x-consistency-token': written.consistencyToken, 'x-consistency-timeout-ms': '30000' });
    visible.push(performance.now() - started);
  }
  const results = [summary('details read', details), summary('details read with an applied token', withToken), summary('list page (20)', list), summary('write, then read it with its token (command to visible)', visible)];
  console.table(results);
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
