import { clean, down, status, up } from './manager';
import { formatSeconds } from './log';
import { infraSettings } from './settings';

const usage = `usage: npm run infra -- <command>
  up              start (or reuse) local Kafka, MongoDB and Redis; prints export lines on stdout
  status          show what runs, where, and whether it answers
  down            stop the servers this checkout started
  clean [--cache] stop them and delete their data (--cache: also the downloaded/built binaries)
  env             print the export lines of the last \`up\`
Set KAFKA_BROKERS, MONGO_URL or REDIS_URL to use existing servers instead.`;

/** `infra <command>`: the local infrastructure manager's command line. Returns the exit code. */
export async function infraCli(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const settings = infraSettings();
  const started = Date.now();
  switch (command) {
    case 'up': {
      const result = await up(settings);
      for (const [name, value] of Object.entries(result.env)) process.stdout.write(`export ${name}='${value}'\n`);
      process.stderr.write(`infrastructure ready in ${formatSeconds(Date.now() - started)}; logs under ${settings.stateDir}\n`);
      return 0;
    }
    case 'down':
      await down(settings);
      return 0;
    case 'clean':
      await clean(settings, { cache: rest.includes('--cache') });
      process.stderr.write(`removed ${settings.stateDir}${rest.includes('--cache') ? ` and ${settings.cacheDir}` : ''}\n`);
      return 0;
    case 'status': {
      const states = await status(settings);
      if (rest.includes('--json')) {
        process.stdout.write(`${JSON.stringify(states, null, 2)}\n`);
      } else {
        for (const s of states) {
          const detail = s.state === 'running' ? `pid ${s.pid}, ${s.ready ? 'ready' : 'NOT READY'}, log ${s.log}` : s.state === 'external' ? (s.ready ? 'ready' : 'NOT ANSWERING') : '';
          process.stdout.write(`${s.name.padEnd(6)} ${s.state.padEnd(9)} ${s.url.padEnd(48)} ${detail}\n`);
        }
      }
      return states.every((s) => s.state !== 'stopped' && s.ready) ? 0 : 1;
    }
    case 'env': {
      const { readFile } = await import('node:fs/promises');
      process.stdout.write(await readFile(`${settings.stateDir}/env`, 'utf8').catch(() => ''));
      return 0;
    }
    default:
      process.stderr.write(`${usage}\n`);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}
