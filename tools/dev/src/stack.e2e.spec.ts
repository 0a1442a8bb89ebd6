import { healthPaths, serviceCatalogue, serviceNames, type ServiceDescriptor } from '@eventide/service-kit';
import { serviceUrlEnv } from './stack';

// Runs against the services `npm test` built and started (their URLs come in the environment).
describe.each(serviceNames)('the running %s', (name) => {
  const url = process.env[serviceUrlEnv(name)];

  it('was started by the test run', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('is live', async () => {
    const response = await fetch(`${url}${healthPaths.live}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready, having checked exactly the servers it needs (and its consumer, for projectors)', async () => {
    const response = await fetch(`${url}${healthPaths.ready}`);
    const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(response.status).toBe(200);
    const descriptor: ServiceDescriptor = serviceCatalogue[name];
    expect(Object.keys(body.checks).sort()).toEqual([...descriptor.needs, ...(descriptor.alsoReadyWhen ?? [])].sort());
    expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
  });
});
