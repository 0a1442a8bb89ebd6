import type { Kafka } from 'kafkajs';
import { ensureTopics } from './topics';

type Log = (level: 'log' | 'warn', message: string) => void;

/**
 * Connects an admin client, creates the missing topics with `partitions` partitions, says what it
 * created and which existing topics have another partition count, and disconnects.
 */
export async function prepareTopics(kafka: Kafka, topics: readonly string[], partitions: number, log: Log): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const report of await ensureTopics(admin, [...topics], partitions)) {
      if (report.mismatch) log('warn', `topic ${report.topic} ${report.mismatch}; events still flow, but the partition count is not what is configured`);
      else if (report.created) log('log', `created topic ${report.topic} with ${report.partitions} partitions`);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Runs `attempt` until it succeeds or `stopped()` turns true, backing off from 1 s to 30 s between
 * failures. For work a service does in the background at start-up (a broker that is still down
 * must delay that work, not the service's start). Resolves true once it succeeded.
 */
export async function keepTrying(what: string, attempt: () => Promise<void>, stopped: () => boolean, log: Log): Promise<boolean> {
  for (let n = 1; !stopped(); n++) {
    try {
      await attempt();
      return true;
    } catch (error) {
      log('warn', `cannot ${what} yet (attempt ${n}): ${error instanceof Error ? error.message : String(error)}; retrying`);
      const until = Date.now() + Math.min(30_000, 500 * 2 ** n);
      while (!stopped() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return false;
}
