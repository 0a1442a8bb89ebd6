import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
let cleanup: (() => Promise<void>) | undefined;
let interruptedAt: number | undefined;

/** True once SIGINT or SIGTERM arrived: the run's results are incomplete and must not be written. */
export const interrupted = (): boolean => interruptedAt !== undefined;

/** Remembers a child process, so that an interrupted run (Ctrl-C, SIGTERM) still stops it. */
export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** What an interrupted run still does before it exits (the running pair's teardown); undefined to clear. */
export function onInterrupt(work: (() => Promise<void>) | undefined): void {
  cleanup = work;
}

/**
 * On SIGINT/SIGTERM: the running pair's teardown (at most 20 s), then SIGTERM to every tracked child
 * still running, then exit 130.
 */
export function stopChildrenOnSignal(): void {
  const stop = () => {
    interruptedAt = Date.now();
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 20_000).unref());
    void Promise.race([(cleanup?.() ?? Promise.resolve()).catch(() => undefined), deadline]).then(() => {
      for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      process.exit(130);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
