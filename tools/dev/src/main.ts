import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { infraCli, infraSettings } from '@eventide/local-infra';
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

/** Dispatches `npm start`, `npm test`, `npm run infra -- ...` and `npm run eventide -- ...`. Returns the exit code. */
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
    default:
      process.stderr.write('usage: bootstrap.mjs start | test [--only unit|int|e2e|chaos] | infra <command> | cli <command>\n');
      return 2;
  }
}
