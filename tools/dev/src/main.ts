import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { down, infraCli, infraSettings, up } from '@eventide/local-infra';
import { start } from './start';
import { runTests } from './test-runner';

/**
 * `npm run eventide -- ...`: the operator CLI (apps/operator-cli) in a child process, with the
 * connection variables of the last `infra up` unless the environment sets them.
 */
async function operatorCli(args: string[]): Promise<number> {
  const settings = infraSettings();
  const env = { ...process.env };
  const saved = await readFile(join(settings.stateDir, 'env'), 'utf8').catch(() => '');
  for (const [, name, value] of saved.matchAll(/^export (\w+)='(.*)'$/gm)) if (name && !env[name]) env[name] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', join(settings.workspaceRoot, 'apps/operator-cli/src/main.ts'), ...args], { stdio: 'inherit', env });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/**
 * `npm run bench [-- --only <group|id>]`: provisions Kafka, MongoDB and Redis as `npm test` does,
 * then runs the bench runner (tools/bench) in a child process with their connection variables; the
 * pairs that need services build the image tree and start them themselves. Servers this call
 * started are stopped again, also on Ctrl-C.
 */
async function bench(args: string[]): Promise<number> {
  const infra = await up();
  const { workspaceRoot } = infraSettings();
  const child = spawn(process.execPath, ['--import', 'tsx', join(workspaceRoot, 'tools/bench/src/harness/main.ts'), ...args], {
    cwd: workspaceRoot,
    stdio: 'inherit',
    env: { ...process.env, ...infra.env },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1))));
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    if (infra.started.length) await down(undefined, infra.started);
  }
}

/** Dispatches `npm start`, `npm test`, `npm run bench`, `npm run infra -- ...` and `npm run eventide -- ...`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'start':
      return start();
    case 'test':
      return runTests(rest);
    case 'infra':
      return infraCli(rest);
    case 'cli':
      return operatorCli(rest);
    case 'bench':
      return bench(rest);
    default:
      process.stderr.write('usage: bootstrap.mjs start | test [--only unit|int|e2e|chaos] | bench [--only <group|id>] | infra <command> | cli <command>\n');
      return 2;
  }
}
