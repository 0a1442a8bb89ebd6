import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSeconds, infraSettings, isPortOpen, progressFor, stopProcess } from '@eventide/local-infra';
import { healthPaths, serviceCatalogue, serviceNames, type ServiceName } from '@eventide/service-kit';
import { imageDir } from './nx';

export interface RunningService {
  name: ServiceName;
  url: string;
  logFile: string;
  child: ChildProcess;
}

export const serviceUrlEnv = (name: ServiceName) => `${name.toUpperCase().replace(/-/g, '_')}_URL`;

function tail(file: string, lines = 25): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no output)';
}

/** Resolves once the service's /health/ready answers 200; fails with its log tail if it exits or times out. */
export async function waitReady(service: RunningService, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(`${service.name} exited (${service.child.exitCode ?? service.child.signalCode}) while starting. Last lines of ${service.logFile}:\n${tail(service.logFile)}`);
    }
    try {
      const response = await fetch(`${service.url}${healthPaths.ready}`, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.name} was not ready after ${formatSeconds(timeoutMs)} (${last}). Last lines of ${service.logFile}:\n${tail(service.logFile)}`);
}

/** Where the running stack's process ids and URLs are recorded. */
export const servicesFile = (stateDir: string): string => join(stateDir, 'services.json');

/** Where the local stack's services write their spans. */
export const traceFile = (stateDir: string): string => join(stateDir, 'traces.jsonl');

/**
 * Starts every built service as a child process with the given environment, logging to
 * .infra/logs/<service>.log (and echoing to the terminal when asked), and waits until each one's
 * /health/ready answers 200. Fails with the log tail of the first one that does not.
 */
export interface StartOptions {
  /** Echo the service's output to the terminal. */
  echo: boolean;
  /** Where `<name>.log` goes; `.infra/logs` by default. */
  logDir?: string;
  /** Append to the log instead of starting it afresh (a restarted service). */
  appendLog?: boolean;
}

/**
 * Starts one built service as a child process with the given environment (its port from its own
 * variable there, else its default), logging to `<logDir>/<name>.log`. Does not wait for it to be ready.
 */
export async function startService(name: ServiceName, env: NodeJS.ProcessEnv, options: StartOptions): Promise<RunningService> {
  const { stateDir, workspaceRoot } = infraSettings();
  const logDir = options.logDir ?? join(stateDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const descriptor = serviceCatalogue[name];
  const port = Number(env[descriptor.portEnv] ?? descriptor.defaultPort);
  if (await isPortOpen(port)) throw new Error(`port ${port} for ${name} is already in use; stop what holds it or set ${descriptor.portEnv}`);
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: options.appendLog ? 'a' : 'w' });
  // The container's own entry point and tree, so what runs here is what the image runs.
  const child = spawn(process.execPath, ['--enable-source-maps', join(workspaceRoot, imageDir, 'run.js'), name], {
    cwd: workspaceRoot,
    // Spans of every service go to one file, for `npm run eventide -- trace <id>` (unless OTLP is set up).
    env: { EVENTIDE_TRACE_FILE: traceFile(stateDir), ...process.env, ...env, [descriptor.portEnv]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const progress = progressFor(name);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (options.echo) for (const line of chunk.toString('utf8').trimEnd().split('\n')) progress.info(line);
    });
  }
  child.on('close', () => log.end());
  return { name, url: `http://127.0.0.1:${port}`, logFile, child };
}

/**
 * Starts every built service (see `startService`) and waits until each one's /health/ready answers
 * 200. Fails with the log tail of the first one that does not.
 */
export async function startServices(env: NodeJS.ProcessEnv, options: { echo: boolean; readyTimeoutMs?: number }): Promise<RunningService[]> {
  const { stateDir } = infraSettings();
  const running: RunningService[] = [];
  try {
    for (const name of serviceNames) running.push(await startService(name, env, options));
    await Promise.all(running.map((s) => waitReady(s, options.readyTimeoutMs ?? 60_000)));
    // Which process runs which service, for fault tests (pause a projector) and for people.
    await writeFile(servicesFile(stateDir), JSON.stringify(Object.fromEntries(running.map((s) => [s.name, { pid: s.child.pid, url: s.url }])), null, 2));
    return running;
  } catch (error) {
    await stopServices(running);
    throw error;
  }
}

/** SIGTERM to each service (they finish in-flight work and shut down), SIGKILL after 15 s. */
export async function stopServices(services: RunningService[]): Promise<void> {
  await Promise.all(
    services.map(async (s) => {
      if (s.child.pid === undefined || s.child.exitCode !== null || s.child.signalCode !== null) return;
      const closed = new Promise((r) => s.child.once('close', r));
      await stopProcess(s.child.pid, 15_000);
      await closed;
    }),
  );
}

/** The environment a test or a person uses to reach the running services. */
export function serviceUrls(services: RunningService[]): Record<string, string> {
  return Object.fromEntries(services.map((s) => [serviceUrlEnv(s.name), s.url]));
}
