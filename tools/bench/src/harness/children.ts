import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

/** Remembers a child process, so that an interrupted run (Ctrl-C, SIGTERM) still stops it. */
export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** On SIGINT/SIGTERM: SIGTERM to every tracked child still running, then exit 130. */
export function stopChildrenOnSignal(): void {
  const stop = () => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
