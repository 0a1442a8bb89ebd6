import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSeconds, progressFor } from './log';
import { describePortHolder, isPortOpen } from './ports';
import { isAlive, isOurs, logTail, readPidRecord, removeFile, startDaemon, stopProcess, type PidRecord } from './processes';
import { kafkaServer } from './servers/kafka';
import type { ManagedServer, ServerName } from './servers/managed-server';
import { mongoServer } from './servers/mongo';
import { redisServer } from './servers/redis';
import { infraSettings, type InfraSettings } from './settings';

export type ConnectionEnv = Partial<Record<ManagedServer['envVar'], string>>;

export interface UpResult {
  env: ConnectionEnv;
  /** Servers this call started (and so its caller may stop); reused or external ones are not here. */
  started: ServerName[];
  logs: Partial<Record<ServerName, string>>;
}

export type ServerState =
  | { name: ServerName; state: 'external'; url: string; ready: boolean }
  | { name: ServerName; state: 'running'; url: string; ready: boolean; pid: number; log: string }
  | { name: ServerName; state: 'stopped'; url: string };

export function allServers(settings: InfraSettings = infraSettings()): ManagedServer[] {
  return [kafkaServer(settings), mongoServer(settings), redisServer(settings)];
}

const pidFileOf = (settings: InfraSettings, server: ManagedServer) => join(settings.stateDir, server.name, 'pid.json');
const logFileOf = (settings: InfraSettings, server: ManagedServer) => join(settings.stateDir, server.name, `${server.name}.log`);

async function probes(server: ManagedServer, url: string): Promise<boolean> {
  return server.probe(url).then(
    () => true,
    () => false,
  );
}

/** Polls the real readiness probe; fails at once, with the log tail, if the process dies. */
async function waitUntilReady(server: ManagedServer, url: string, record?: PidRecord): Promise<void> {
  const deadline = Date.now() + server.readyTimeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      await server.probe(url);
      return;
    } catch (error) {
      lastError = error;
    }
    if (record && !isAlive(record.pid)) {
      throw new Error(`${server.name} exited while starting. Last lines of ${record.logFile}:\n${logTail(record.logFile)}`);
    }
    if (Date.now() > deadline) {
      const tail = record ? `\nLast lines of ${record.logFile}:\n${logTail(record.logFile)}` : '';
      throw new Error(`${server.name} at ${url} was not ready after ${formatSeconds(server.readyTimeoutMs)}: ${String(lastError)}${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function bringUp(settings: InfraSettings, server: ManagedServer): Promise<{ url: string; started: boolean; log?: string }> {
  const progress = progressFor(server.name);
  const external = process.env[server.envVar];
  if (external) {
    progress.info(`using ${server.envVar}=${external} (starting nothing)`);
    await waitUntilReady({ ...server, readyTimeoutMs: 15_000 }, external);
    return { url: external, started: false };
  }
  const pidFile = pidFileOf(settings, server);
  const logFile = logFileOf(settings, server);
  const previous = await readPidRecord(pidFile);
  if (previous && isOurs(previous, settings.stateDir)) {
    await waitUntilReady(server, server.localUrl, previous);
    progress.info(`already running (pid ${previous.pid}), reusing it at ${server.localUrl}`);
    return { url: server.localUrl, started: false, log: previous.logFile };
  }
  if (previous) await removeFile(pidFile);
  if (await isPortOpen(server.port)) {
    throw new Error(
      `port ${server.port} is held by ${await describePortHolder(server.port)}, which this checkout did not start. ` +
        `Stop it, choose another port with INFRA_${server.name.toUpperCase()}_PORT, or use it by setting ${server.envVar}.`,
    );
  }
  const started = Date.now();
  const launch = await server.prepare(progress);
  progress.info(`starting ${launch.description}; log: ${logFile}`);
  const record = await startDaemon(launch, pidFile, logFile, server.port);
  try {
    await waitUntilReady(server, server.localUrl, record);
  } catch (error) {
    await stopProcess(record.pid, 2000);
    await removeFile(pidFile);
    throw error;
  }
  progress.info(`ready at ${server.localUrl} (pid ${record.pid}, ${formatSeconds(Date.now() - started)})`);
  return { url: server.localUrl, started: true, log: logFile };
}

/**
 * Brings every server up, in parallel: reuses ours when running, uses the environment's when
 * KAFKA_BROKERS / MONGO_URL / REDIS_URL are set, and starts the rest. If any fails, the ones this
 * call started are stopped again and the first error is thrown.
 */
export async function up(settings: InfraSettings = infraSettings(), only?: ServerName[]): Promise<UpResult> {
  await mkdir(settings.stateDir, { recursive: true });
  const servers = allServers(settings).filter((server) => !only || only.includes(server.name));
  const outcomes = await Promise.allSettled(servers.map((server) => bringUp(settings, server)));
  const started = servers.filter((_, i) => {
    const outcome = outcomes[i];
    return outcome?.status === 'fulfilled' && outcome.value.started;
  });
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    await down(settings, started.map((s) => s.name));
    throw failure.reason;
  }
  const env = {} as ConnectionEnv;
  const logs: UpResult['logs'] = {};
  servers.forEach((server, i) => {
    const outcome = outcomes[i] as PromiseFulfilledResult<{ url: string; log?: string }>;
    env[server.envVar] = outcome.value.url;
    if (outcome.value.log) logs[server.name] = outcome.value.log;
  });
  await writeFile(
    join(settings.stateDir, 'env'),
    Object.entries(env)
      .map(([k, v]) => `export ${k}='${v}'`)
      .join('\n') + '\n',
  );
  return { env, started: started.map((s) => s.name), logs };
}

/** Stops the servers this checkout started (all of them, or the named ones), by pid. */
export async function down(settings: InfraSettings = infraSettings(), only?: ServerName[]): Promise<ServerName[]> {
  const stopped: ServerName[] = [];
  await Promise.all(
    allServers(settings)
      .filter((server) => !only || only.includes(server.name))
      .map(async (server) => {
        const pidFile = pidFileOf(settings, server);
        const record = await readPidRecord(pidFile);
        if (!record) return;
        if (isOurs(record, settings.stateDir)) {
          const how = await stopProcess(record.pid, server.stopGraceMs);
          progressFor(server.name).info(`${how === 'killed' ? 'killed (did not stop in time)' : 'stopped'} pid ${record.pid}`);
          stopped.push(server.name);
        }
        await removeFile(pidFile);
      }),
  );
  return stopped;
}

export async function status(settings: InfraSettings = infraSettings()): Promise<ServerState[]> {
  return Promise.all(
    allServers(settings).map(async (server): Promise<ServerState> => {
      const external = process.env[server.envVar];
      if (external) return { name: server.name, state: 'external', url: external, ready: await probes(server, external) };
      const record = await readPidRecord(pidFileOf(settings, server));
      if (record && isOurs(record, settings.stateDir)) {
        return { name: server.name, state: 'running', url: server.localUrl, ready: await probes(server, server.localUrl), pid: record.pid, log: record.logFile };
      }
      return { name: server.name, state: 'stopped', url: server.localUrl };
    }),
  );
}

/** Stops our servers and deletes their data; with `cache`, also the downloaded and built binaries. */
export async function clean(settings: InfraSettings = infraSettings(), options: { cache?: boolean } = {}): Promise<void> {
  await down(settings);
  await rm(settings.stateDir, { recursive: true, force: true });
  if (options.cache) await rm(settings.cacheDir, { recursive: true, force: true });
}
