import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { infraSettings } from '@eventide/local-infra';
import { commonServiceEnv, dependencyEnv, healthPaths, serviceCatalogue, serviceNames } from '@eventide/service-kit';

// docker compose cannot run on this machine (no Docker engine), so the file is checked against the
// service catalogue the apps themselves read: names, ports, variables, health paths, start order.
interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  environment?: Record<string, string | number>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const { workspaceRoot } = infraSettings();
const compose = parse(readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const dockerfile = readFileSync(join(workspaceRoot, 'Dockerfile'), 'utf8');

describe('docker-compose.yml', () => {
  it('runs exactly the catalogue services plus Kafka, MongoDB and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...serviceNames, 'kafka', 'mongo', 'redis'].sort());
  });

  it.each(['kafka', 'mongo', 'redis'])('gives %s a healthcheck so services can wait for it', (name) => {
    expect(compose.services[name]?.healthcheck?.test.length).toBeGreaterThan(0);
  });

  describe.each(serviceNames)('%s', (name) => {
    const descriptor = serviceCatalogue[name];
    const service = compose.services[name] as ComposeService;
    const env = service.environment ?? {};

    it('is built from the project Dockerfile for this app', () => {
      expect(service.build).toEqual({ context: '.', args: { APP: name } });
    });

    it('listens where its healthcheck looks, on its own port variable', () => {
      expect(Number(env[descriptor.portEnv])).toBe(descriptor.defaultPort);
      expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${descriptor.defaultPort}${healthPaths.ready}`);
    });

    it('is given every dependency it needs and starts only once they are healthy', () => {
      for (const need of descriptor.needs) {
        expect(env[dependencyEnv[need]]).toBeTruthy();
        expect(service.depends_on?.[need]).toEqual({ condition: 'service_healthy' });
      }
    });

    it('sets no variable the services do not read', () => {
      const known = new Set<string>([...serviceNames.map((n) => serviceCatalogue[n].portEnv), ...Object.values(dependencyEnv), ...commonServiceEnv]);
      expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    });

    if (name.startsWith('projector-')) {
      it('publishes no host port, so `--scale` can start replicas', () => {
        expect(service.ports).toBeUndefined();
      });
    }
  });
});

describe('Dockerfile', () => {
  it('builds with the same build script as npm start and runs as a non-root user', () => {
    expect(dockerfile).toContain('node tools/build/build-app.mjs "$APP"');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('npm ci --no-audit');
  });
});
