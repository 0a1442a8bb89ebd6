import { readFile } from 'node:fs/promises';
import { infraSettings } from '@eventide/local-infra';
import { servicesFile } from './stack';

// Read-your-writes (G6) against the running stack, including a projector that stops: its reads
// with a token wait and then answer 504 naming it, reads without a token never wait, and the other
// projector's routes are unaffected.
const commandUrl = process.env['COMMAND_SERVICE_URL'];
const gatewayUrl = process.env['QUERY_GATEWAY_URL'];
const [apiKey] = ((process.env['API_KEYS'] ?? '').split(',')[0] ?? '').split('=');

jest.setTimeout(60_000);

async function command(path: string, body: unknown): Promise<{ id: string; version: number; consistencyToken: string }> {
  const response = await fetch(`${commandUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey ?? '' }, body: JSON.stringify(body) });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as { id: string; version: number; consistencyToken: string };
}

async function query(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; ms: number; type: string | null }> {
  const started = Date.now();
  const response = await fetch(`${gatewayUrl}${path}`, { headers: { 'x-api-key': apiKey ?? '', ...headers } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, ms: Date.now() - started, type: response.headers.get('content-type') };
}

async function projectorPid(name: string): Promise<number> {
  const services = JSON.parse(await readFile(servicesFile(infraSettings().stateDir), 'utf8')) as Record<string, { pid: number }>;
  const pid = services[name]?.pid;
  if (!pid) throw new Error(`${name} is not in the running stack`);
  return pid;
}

describe('read-your-writes through the gateway', () => {
  it('answers as soon as the projection has the write, 504 naming a stopped projector, never waits without a token', async () => {
    const created = await command('/v1/products', { name: 'Consistent mug', description: '', price: 9.5, quantity: 4 });
    const first = await query(`/v1/products/${created.id}`, { 'x-consistency-token': created.consistencyToken });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: created.id, version: 1, availableStock: 4 });

    const pid = await projectorPid('projector-mongo');
    process.kill(pid, 'SIGSTOP');
    try {
      const restocked = await command(`/v1/products/${created.id}/restock`, { quantity: 6 });
      expect(restocked.version).toBe(2);

      const late = await query(`/v1/products/${created.id}`, { 'x-consistency-token': restocked.consistencyToken, 'x-consistency-timeout-ms': '1500' });
      expect(late.status).toBe(504);
      expect(late.type).toContain('application/problem+json');
      expect(late.body).toMatchObject({ status: 504, projection: 'projector-mongo/product-details+product-summary', requiredVersion: 2, appliedVersion: 1, versionsBehind: 1 });
      expect(late.ms).toBeGreaterThanOrEqual(1400);

      // Without a token the gateway answers at once, with what the model has.
      const now = await query(`/v1/products/${created.id}`);
      expect(now.status).toBe(200);
      expect(now.body['version']).toBe(1);
      expect(now.ms).toBeLessThan(1000);

      // The Redis projector is not stopped: its route sees the write.
      const stock = await query(`/v1/products/${created.id}/stock`, { 'x-consistency-token': restocked.consistencyToken });
      expect(stock.status).toBe(200);
      expect(stock.body).toMatchObject({ availableStock: 10, version: 2 });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const caughtUp = await query(`/v1/products/${created.id}`, { 'x-consistency-token': (await command(`/v1/products/${created.id}/price`, { price: 11 })).consistencyToken });
    expect(caughtUp.status).toBe(200);
    expect(caughtUp.body).toMatchObject({ version: 3, availableStock: 10, price: 11 });
  });

  it('refuses a token that is malformed, or another tenant’s, with 400', async () => {
    const bad = await query('/v1/products/anything', { 'x-consistency-token': 'not-a-token' });
    expect(bad.status).toBe(400);
    const [, secondKey] = (process.env['API_KEYS'] ?? '').split(',').map((e) => e.split('=')[0]);
    const created = await command('/v1/products', { name: 'Token of A', description: '', price: 1, quantity: 1 });
    const response = await fetch(`${gatewayUrl}/v1/products/${created.id}`, { headers: { 'x-api-key': secondKey ?? '', 'x-consistency-token': created.consistencyToken } });
    expect(response.status).toBe(400);
    const timeout = await query(`/v1/products/${created.id}`, { 'x-consistency-token': created.consistencyToken, 'x-consistency-timeout-ms': '999999' });
    expect(timeout.status).toBe(400);
  });
});
