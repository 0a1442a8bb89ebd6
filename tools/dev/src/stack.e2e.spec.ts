import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';
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

  it('has logged only structured JSON lines, each with a level and a message', () => {
    // What log shippers parse: a line of text (Nest's default logger, a Node warning) would be lost or mangled.
    const lines = readFileSync(join(infraSettings().stateDir, 'logs', `${name}.log`), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    const notJson = lines.filter((line) => {
      try {
        const entry = JSON.parse(line) as { level?: unknown; message?: unknown };
        return typeof entry.level !== 'string' || entry.message === undefined;
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
  });
});
