import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { infraSettings } from '@eventide/local-infra';
import { commonServiceEnv, dependencyEnv, healthPaths, serviceCatalogue, serviceNames } from '@eventide/service-kit';
import { loadCompose } from './render';
import { ensureDeployTools, type DeployTools } from './toolchain';

// docker compose cannot run on this machine (no Docker engine), so the file is checked against the
// service catalogue the apps themselves read: names, ports, variables, health paths, start order.
interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  profiles?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const { workspaceRoot } = infraSettings();
const compose = parse(readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const dockerfile = readFileSync(join(workspaceRoot, 'Dockerfile'), 'utf8');

describe('docker-compose.yml, loaded as docker compose loads it (compose-go)', () => {
  let tools: DeployTools;
  beforeAll(async () => {
    tools = await ensureDeployTools();
  }, 15 * 60_000);

  it('is a valid Compose project with every service, the CLI included under its profile', async () => {
    const loaded = await loadCompose(join(workspaceRoot, 'docker-compose.yml'), ['tools'], tools);
    expect(loaded.stderr).toBe('');
    expect(Object.keys(loaded.project?.services ?? {}).sort()).toEqual([...serviceNames, 'eventide', 'kafka', 'mongo', 'redis'].sort());
    // Merge keys resolved: every app service got the shared image and environment.
    for (const name of serviceNames) expect(loaded.project?.services[name]).toMatchObject({ image: 'eventide:local', command: [name], environment: { KAFKA_BROKERS: 'kafka:9092' } });
  });

  it('would refuse a misspelt key or a wrong start condition (the check can fail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'compose-'));
    try {
      const original = readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8');
      for (const [from, to, error] of [
        ['stop_grace_period: 60s', 'stop_grace_priod: 60s', /stop_grace_priod is not allowed/],
        ['condition: service_healthy }', 'condition: service_healty }', /must be one of the following/],
      ] as const) {
        expect(original).toContain(from);
        const file = join(dir, 'docker-compose.yml');
        await writeFile(file, original.replace(from, to));
        await writeFile(join(dir, 'Dockerfile'), '');
        const loaded = await loadCompose(file, [], tools);
        expect(loaded.code).toBe(1);
        expect(loaded.stderr).toMatch(error);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('docker-compose.yml against the service catalogue', () => {
  it('runs exactly the catalogue services plus Kafka, MongoDB and Redis, and offers the operator CLI on demand', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...serviceNames, 'eventide', 'kafka', 'mongo', 'redis'].sort());
    expect(compose.services['eventide']?.profiles).toEqual(['tools']);
    expect(compose.services['eventide']?.entrypoint?.slice(-2)).toEqual(['run.js', 'operator-cli']);
  });

  it.each(['kafka', 'mongo', 'redis'])('gives %s a healthcheck so services can wait for it', (name) => {
    expect(compose.services[name]?.healthcheck?.test.length).toBeGreaterThan(0);
  });

  describe.each(serviceNames)('%s', (name) => {
    const descriptor = serviceCatalogue[name];
    const service = compose.services[name] as ComposeService;
    const env = service.environment ?? {};

    it('runs this app from the one project image', () => {
      expect(service.build).toEqual({ context: '.' });
      expect(service.image).toBe('eventide:local');
      expect(service.command).toEqual([name]);
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
  const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => ({ base: m[1], name: m[2] }));

  it('builds in stages from the pinned Node LTS base and ships only the runtime stage', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:26-[a-z]+-slim$/m);
    expect(stages.map((s) => s.name)).toEqual(['build', 'production-dependencies', 'runtime']);
    expect(stages.every((s) => s.base === '${NODE_IMAGE}')).toBe(true);
  });

  it('compiles with the same build script as npm start and installs from the lockfile', () => {
    expect(dockerfile).toContain('node tools/build/build-app.mjs --image dist/image');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('runs as the unprivileged node user, with an exec-form entry point that receives SIGTERM', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "--enable-source-maps", "run.js"\]$/m);
  });

  it('copies only paths that exist in the repository', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] as string).split(' '));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect([source, existsSync(join(workspaceRoot, source))]).toEqual([source, true]);
  });
});
