import { percentiles } from './stats';
import type { Sample } from './pair';

/**
 * Runs `concurrency` workers, each calling `step` in a loop until `seconds` have passed, and returns
 * operations per second (counting what each step reports it did), with per-step latency percentiles.
 */
export async function timedWorkers(
  concurrency: number,
  seconds: number,
  step: (worker: number, iteration: number) => Promise<number>,
): Promise<Sample & { operations: number; steps: number; elapsedSeconds: number }> {
  const latencies: number[] = [];
  let operations = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t = performance.now();
        // Not `operations += await ...`: that reads the total before the await and loses other workers' counts.
        const done = await step(worker, i);
        operations += done;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { value: operations / elapsedSeconds, operations, latency: percentiles(latencies), steps: latencies.length, elapsedSeconds };
}
