import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';
import { profiles, runSoak, type SoakReport } from './soak';

// The chaos soak (`npm run test:chaos` runs the long profile; `npm test` the short one): a seeded
// load while services are killed with SIGKILL, Kafka, MongoDB and Redis restart, and their links
// suffer latency, resets, black holes and half-open connections. Then nothing acknowledged may be
// missing or doubled, Kafka must hold every aggregate in order, stock and revenue must add up, and
// every read model must equal a fresh rebuild from the event store.
const profileName = process.env['CHAOS_PROFILE'] === 'long' ? 'long' : 'short';
const seed = Number(process.env['CHAOS_SEED'] ?? 20261122);
const profile = {
  ...profiles[profileName],
  seed,
  ...(process.env['CHAOS_LOAD_SECONDS'] ? { loadSeconds: Number(process.env['CHAOS_LOAD_SECONDS']) } : {}),
  ...(process.env['CHAOS_FAULTS'] ? { faults: Number(process.env['CHAOS_FAULTS']) } : {}),
};

let report: SoakReport;

beforeAll(async () => {
  report = await runSoak(profile, (line) => process.stderr.write(`[chaos] ${line}\n`));
  const dir = join(infraSettings().workspaceRoot, '.reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `chaos-${profileName}.json`), JSON.stringify(report, null, 2));
  process.stderr.write(`[chaos] report: ${JSON.stringify(report, null, 2)}\n`);
}, (profile.loadSeconds + 900) * 1000);

describe(`the chaos soak (${profileName} profile, seed ${seed})`, () => {
  it('ran a real load and injected every kind of fault', () => {
    expect(report.commands.acked).toBeGreaterThan(50);
    expect(Object.keys(report.faults).sort()).toEqual(expect.arrayContaining(['kill -9 a service', 'restart kafka', 'restart mongo', 'restart redis', 'latency (link)', 'reset (link)', 'blackhole (link)', 'halfOpen (link)']));
  });

  it('lost no acknowledged command and applied none twice; refused commands stored nothing', () => {
    expect(report.checks.lostAcknowledged).toEqual([]);
    expect(report.checks.duplicatedCommands).toEqual([]);
    expect(report.checks.refusedButStored).toEqual([]);
    expect(report.checks.ackVersionMismatch).toEqual([]);
  });

  it('let at most one of two conflicting updates win', () => {
    expect(report.conflicts.tried).toBeGreaterThan(0);
    expect(report.conflicts.bothWon).toBe(0);
  });

  it("kept every aggregate's events in order on one partition", () => {
    expect(report.checks.outOfOrder).toEqual([]);
  });

  it('finished every order and conserved stock and revenue', () => {
    expect(report.checks.pendingOrders).toEqual([]);
    expect(report.checks.stockNotConserved).toEqual([]);
    expect(report.checks.dashboardMismatch).toEqual([]);
  });

  it('left every read model equal to a fresh rebuild from the event store', () => {
    expect(report.checks.readModelsDifferFromRebuild).toEqual([]);
  });
});
