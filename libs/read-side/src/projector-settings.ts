/** A positive integer from the environment, or the fallback; anything else stops start-up with the variable's name. */
export function positiveIntFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Tuning of a projector replica, from the environment. */
export interface ProjectorSettings {
  /** Partitions one replica works on at once (PROJECTOR_CONCURRENCY, default 4). */
  concurrency: number;
  /** Messages applied and committed together (PROJECTOR_CHUNK_SIZE, default 500). */
  chunkSize: number;
  /** Attempts at an event before its aggregate is parked (PROJECTOR_ATTEMPTS, default 3). */
  attempts: number;
}

export function projectorSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectorSettings {
  return {
    concurrency: positiveIntFromEnv('PROJECTOR_CONCURRENCY', 4, env),
    chunkSize: positiveIntFromEnv('PROJECTOR_CHUNK_SIZE', 500, env),
    attempts: positiveIntFromEnv('PROJECTOR_ATTEMPTS', 3, env),
  };
}
