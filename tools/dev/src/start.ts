import { down, formatSeconds, up, type UpResult } from '@eventide/local-infra';
import { serviceCatalogue } from '@eventide/service-kit';
import { localApiKeys } from './api-keys';
import { buildApps } from './nx';
import { serviceUrls, startServices, stopServices, type RunningService } from './stack';

/**
 * `npm start`: infrastructure (local or from the environment), a fresh build, every service
 * started and ready; then waits for Ctrl-C or SIGTERM and stops everything it started.
 */
export async function start(): Promise<number> {
  const began = Date.now();
  let infra: UpResult | undefined;
  let services: RunningService[] = [];
  let stopping = false;
  let release: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (release = resolve));

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nstopping services...\n');
    await stopServices(services);
    if (infra?.started.length) {
      process.stderr.write(`stopping ${infra.started.join(', ')} (started by this run)...\n`);
      await down(undefined, infra.started);
    }
    release(code);
  };
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal === 'SIGINT' ? 130 : 143);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const provisioned = await up();
    if (stopping) {
      await down(undefined, provisioned.started);
      return finished;
    }
    infra = provisioned;
    if ((await buildApps()) !== 0) throw new Error('the build failed; see above');
    const apiKeys = await localApiKeys();
    services = await startServices({ ...infra.env, API_KEYS: apiKeys.raw }, { echo: true });
    if (stopping) {
      await stopServices(services);
      return finished;
    }
    for (const service of services) {
      service.child.once('exit', (code, signal) => {
        if (stopping) return;
        process.stderr.write(`${service.name} exited unexpectedly (${code ?? signal}); stopping everything. Log: ${service.logFile}\n`);
        void shutdown(1);
      });
    }
    const urls = serviceUrls(services);
    const lines = [
      '',
      `Everything is ready (${formatSeconds(Date.now() - began)}).`,
      '',
      ...services.map((s) => `  ${s.name.padEnd(16)} ${s.url.padEnd(24)} ${serviceCatalogue[s.name].summary}`),
      '',
      `  Kafka ${infra.env.KAFKA_BROKERS}   MongoDB ${infra.env.MONGO_URL}   Redis ${infra.env.REDIS_URL}`,
      '',
      apiKeys.generated ? '  API keys (local mode, two demo tenants):' : '  API keys (from API_KEYS):',
      ...[...apiKeys.keys].map(([key, tenant]) => `    ${tenant.padEnd(16)} X-Api-Key: ${key}`),
      '',
      `  try: curl -s ${urls['QUERY_GATEWAY_URL']}/health/ready`,
      '  Logs are echoed here and kept under .infra/logs. Press Ctrl-C to stop everything.',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
    await shutdown(1);
  }
  return finished;
}
