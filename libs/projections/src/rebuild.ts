import type { Admin } from 'kafkajs';
import type { GenerationsDoc } from './generation-registry';
import type { ProjectionFamily } from './projection-family';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Members of the family's consumer group that have not yet acknowledged `epoch`. */
export async function unacknowledgedMembers(admin: Admin, family: ProjectionFamily, epoch: number): Promise<string[]> {
  const [described] = (await admin.describeGroups([family.groupId])).groups;
  const doc = await family.registry.read(family.name);
  const members = described?.members.map((m) => m.memberId) ?? [];
  return members.filter((m) => (doc?.acks[m] ?? 0) < epoch);
}

/** Waits until every live replica writes by `epoch` (a replica that joins later reads it at start). */
export async function waitForAcknowledgements(admin: Admin, family: ProjectionFamily, epoch: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = await unacknowledgedMembers(admin, family, epoch);
    if (missing.length === 0) {
      const [described] = (await admin.describeGroups([family.groupId])).groups;
      await family.registry.pruneAcks(family.name, described?.members.map((m) => m.memberId) ?? []);
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`replicas of ${family.groupId} did not acknowledge generation change ${epoch} within ${timeoutMs} ms: ${missing.join(', ')}. Are they stuck? See their /health/ready.`);
    }
    await sleep(250);
  }
}

export type RebuildStage = 'started' | 'replicas-writing-both' | 'backfilling' | 'backfilled' | 'switched' | 'old-dropped';

export interface RebuildProgress {
  stage: RebuildStage;
  generation: number;
  events?: number;
}

export interface RebuildOptions {
  admin: Admin;
  onProgress?: (progress: RebuildProgress) => void;
  ackTimeoutMs?: number;
  /** Stop after the backfill, before switching (for checks); default false. */
  stopBeforeSwitch?: boolean;
  /** Wait between the switch being acknowledged and dropping the old generation, so readers that cache the active generation move first; default 5000. */
  dropDelayMs?: number;
}

/**
 * Rebuilds a family's read models into a new generation beside the live one, without downtime:
 *  1. register generation N+1; live replicas start writing both N and N+1 from Kafka (catch-up)
 *     and acknowledge it, so no event can fall between the backfill and the live stream;
 *  2. backfill N+1 from the event store (the same version-checked writes, so overlaps are no-ops);
 *  3. switch `active` to N+1 in one update: queries move from one complete model to the other;
 *  4. once every replica writes only N+1, drop N.
 * Resumable: running it again continues the build in progress.
 */
export async function rebuild(family: ProjectionFamily, options: RebuildOptions): Promise<GenerationsDoc> {
  const report = options.onProgress ?? (() => undefined);
  const started = await family.registry.beginBuild(family.name);
  const generation = started.building?.generation as number;
  report({ stage: 'started', generation });
  await family.prepare(generation);
  await waitForAcknowledgements(options.admin, family, started.epoch, options.ackTimeoutMs);
  report({ stage: 'replicas-writing-both', generation });
  let lastReport = 0;
  const events = await family.backfill(generation, (n) => {
    report({ stage: 'backfilling', generation, events: n });
    if (Date.now() - lastReport > 1000) {
      lastReport = Date.now();
      void family.registry.reportBackfill(family.name, generation, n).catch(() => undefined);
    }
  });
  await family.registry.reportBackfill(family.name, generation, events);
  report({ stage: 'backfilled', generation, events });
  if (options.stopBeforeSwitch) return (await family.registry.read(family.name)) as GenerationsDoc;
  return switchGeneration(family, generation, options);
}

/** Steps 3 and 4 of {@link rebuild}: switch to the built generation, then drop the old one. */
export async function switchGeneration(family: ProjectionFamily, generation: number, options: RebuildOptions): Promise<GenerationsDoc> {
  const report = options.onProgress ?? (() => undefined);
  await family.definition.markComplete(generation);
  const switched = await family.registry.switchTo(family.name, generation);
  report({ stage: 'switched', generation });
  const old = switched.retiring?.generation;
  if (old !== undefined) {
    await waitForAcknowledgements(options.admin, family, switched.epoch, options.ackTimeoutMs);
    await sleep(options.dropDelayMs ?? 5000);
    await Promise.all(family.sinks(old).map((s) => s.drop()));
    await family.registry.finishRetiring(family.name, old);
    report({ stage: 'old-dropped', generation });
  }
  return (await family.registry.read(family.name)) as GenerationsDoc;
}
