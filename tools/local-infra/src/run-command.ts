import { spawn } from 'node:child_process';
import { formatSeconds, type Progress } from './log';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  progress: Progress;
  /** What the command is doing, for the heartbeat ("building FerretDB"). */
  activity: string;
  /** Lines worth echoing as they come (downloads, compile steps); others are kept for the error. */
  echo?: (line: string) => string | undefined;
}

/**
 * Runs a long tool (mvn, go, apt-get) with a heartbeat every 10 s so nobody stares at a silent
 * terminal, and fails with the tail of its output when it fails.
 */
export async function runCommand(command: string, args: string[], options: RunOptions): Promise<void> {
  const started = Date.now();
  const tail: string[] = [];
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const heartbeat = setInterval(
    () => options.progress.info(`${options.activity}... ${formatSeconds(Date.now() - started)}`),
    10_000,
  );
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      const shown = options.echo?.(line);
      if (shown) options.progress.info(shown);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) {
      throw new Error(`${options.activity} failed: \`${command} ${args.join(' ')}\` exited with ${code}\n${tail.join('\n')}`);
    }
  } finally {
    clearInterval(heartbeat);
  }
}

/** Runs a quick command and returns its stdout, or undefined when it cannot run or fails. */
export async function capture(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? out : undefined));
  });
}

/** Absolute path of an executable on PATH, or undefined. */
export async function which(executable: string): Promise<string | undefined> {
  const found = await capture('sh', ['-c', `command -v ${executable}`]);
  return found?.trim() || undefined;
}
