import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildApps, imageDir, startService, type RunningService, type StartOptions } from '@eventide/dev';
import { infraSettings, isPortOpen } from '@eventide/local-infra';
import { serviceCatalogue, type ServiceName } from '@eventide/service-kit';
import { profilingEnabled, serviceProfileArgs } from './profiling';

let built: Promise<void> | undefined;

/** Builds the apps' image tree once per run (`node dist/image/run.js <app>`), for pairs that start services. */
export function ensureImage(): Promise<void> {
  built ??= buildApps().then((code) => {
    if (code !== 0) {
      built = undefined;
      throw new Error(`building the apps' image tree failed (exit ${code})`);
    }
  });
  return built;
}

/**
 * Starts a service from the image tree as `startService` (tools/dev) does; with profiling on
 * (harness/profiling.ts), with `--cpu-prof` into the running pair's profile folder. Stop it with
 * `stopServices` (SIGTERM): the service shuts down and Node writes the profile as it exits.
 */
export async function startBenchChild(name: ServiceName, env: NodeJS.ProcessEnv, options: StartOptions): Promise<RunningService> {
  if (!profilingEnabled()) return startService(name, env, options);
  const { stateDir, workspaceRoot } = infraSettings();
  const logDir = options.logDir ?? join(stateDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const descriptor = serviceCatalogue[name];
  const port = Number(env[descriptor.portEnv] ?? descriptor.defaultPort);
  if (await isPortOpen(port)) throw new Error(`port ${port} for ${name} is already in use`);
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: options.appendLog ? 'a' : 'w' });
  const child = spawn(process.execPath, ['--enable-source-maps', ...serviceProfileArgs(name), join(workspaceRoot, imageDir, 'run.js'), name], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env, [descriptor.portEnv]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => log.write(chunk));
  child.on('close', () => log.end());
  return { name, url: `http://127.0.0.1:${port}`, logFile, child };
}
