import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What we remember about a server we started, so we stop it and nothing else. */
export interface PidRecord {
  pid: number;
  port: number;
  command: string;
  startedAt: string;
  logFile: string;
}

export interface Launch {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Alive and not a zombie (an exited process whose parent has not reaped it yet). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

function workingDirOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/**
 * A pid file alone is not proof: after a reboot the pid may belong to anyone. The process is ours
 * only if it is alive and runs in, or names on its command line, our own state directory.
 */
export function isOurs(record: PidRecord, stateDir: string): boolean {
  if (!isAlive(record.pid)) return false;
  const inside = (path: string | undefined) => path !== undefined && (path === stateDir || path.startsWith(`${stateDir}/`));
  return inside(workingDirOf(record.pid)) || (commandLineOf(record.pid)?.includes(stateDir) ?? false);
}

export async function readPidRecord(file: string): Promise<PidRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** Starts a server detached from our process group, logging to a file, and records its pid. */
export async function startDaemon(launch: Launch, pidFile: string, logFile: string, port: number): Promise<PidRecord> {
  await mkdir(dirname(logFile), { recursive: true });
  await mkdir(dirname(pidFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    child.unref();
    const record: PidRecord = {
      pid,
      port,
      command: [launch.command, ...launch.args].join(' '),
      startedAt: new Date().toISOString(),
      logFile,
    };
    await writeFile(pidFile, JSON.stringify(record, null, 2));
    return record;
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, then SIGKILL after the grace period. Resolves once the process is gone. */
export async function stopProcess(pid: number, graceMs: number): Promise<'stopped' | 'killed' | 'gone'> {
  if (!isAlive(pid)) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  return 'killed';
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** The last lines of a log, for error messages. */
export function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log written)';
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}
