import { infraCli } from '@eventide/local-infra';
import { start } from './start';
import { runTests } from './test-runner';

/** Dispatches `npm start`, `npm test` and `npm run infra -- ...`. Returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'start':
      return start();
    case 'test':
      return runTests(rest);
    case 'infra':
      return infraCli(rest);
    default:
      process.stderr.write('usage: bootstrap.mjs start | test [--only unit|int|e2e] | infra <command>\n');
      return 2;
  }
}
