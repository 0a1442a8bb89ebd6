import { randomBytes } from 'node:crypto';
import { down, formatSeconds, up, type UpResult } from '@eventide/local-infra';
import { localApiKeys } from './api-keys';
import { buildApps, runNx } from './nx';
import { serviceUrls, startServices, stopServices, type RunningService } from './stack';
import { clearReports, tally } from './test-reports';

type Kind = 'unit' | 'int' | 'e2e' | 'chaos';

/** Fresh keys of one tenant of its own (`<prefix>-<random>`), for the e2e fuzz and Schemathesis tests. */
function ownTenantKeys(prefix: string, count: number): string {
  const tenant = `${prefix}-${randomBytes(4).toString('hex')}`;
  return Array.from({ length: count }, () => `${randomBytes(18).toString('base64url')}=${tenant}`).join(',');
}

/**
 * `npm test`: static checks and unit tests, then integration tests against real Kafka, MongoDB and
 * Redis, then end-to-end tests against the built services. Every phase runs even when an earlier
 * one failed (so one run shows every failure); the exit code is non-zero if anything failed,
 * including infrastructure that did not come up.
 */
export async function runTests(args: string[]): Promise<number> {
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? (args[onlyIndex + 1] as Kind | undefined) : undefined;
  // The chaos soak runs last, because it restarts the servers: its short profile (about three
  // minutes) with the whole suite, the long one with `npm run test:chaos`.
  const wants = (kind: Kind) => only === undefined || only === kind;
  const began = Date.now();
  const failures: string[] = [];
  const timings: string[] = [];
  const phase = async (name: string, work: () => Promise<boolean>) => {
    const started = Date.now();
    process.stderr.write(`\n=== ${name} ===\n`);
    const ok = await work().catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      return false;
    });
    timings.push(`${name}: ${ok ? 'ok' : 'FAILED'} in ${formatSeconds(Date.now() - started)}`);
    if (!ok) failures.push(name);
    return ok;
  };

  clearReports();
  if (wants('unit')) {
    await phase('lint, typecheck and unit tests', async () => (await runNx(['run-many', '-t', 'lint', 'typecheck', 'unit', '--parallel=2', '--output-style=static'])) === 0);
  }

  let infra: UpResult | undefined;
  let services: RunningService[] = [];
  let interrupted = false;
  const cleanup = async () => {
    await stopServices(services);
    if (infra?.started.length) await down(undefined, infra.started);
  };
  const onSignal = () => {
    interrupted = true;
    void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (wants('int') || wants('e2e') || wants('chaos')) {
      const provisioned = await phase('provision Kafka, MongoDB and Redis', async () => {
        infra = await up();
        return true;
      });
      if (provisioned && infra) {
        const env = infra.env;
        if (wants('int')) {
          await phase('integration tests (real servers)', async () => (await runNx(['run-many', '-t', 'int', '--parallel=1', '--output-style=static'], env)) === 0);
        }
        if (wants('e2e') && !interrupted) {
          await phase('end-to-end tests (running services)', async () => {
            if ((await buildApps()) !== 0) return false;
            // Besides the demo tenants, a tenant only the fuzz tests use (several keys, so the per-key
            // rate limit does not answer for them): its stored documents must not change under hostile input.
            // And one for Schemathesis, whose generated commands do store things.
            const apiKeys = `${(await localApiKeys()).raw},${ownTenantKeys('fuzz', 4)},${ownTenantKeys('schemathesis', 1)}`;
            services = await startServices({ ...env, API_KEYS: apiKeys }, { echo: false });
            const code = await runNx(['run-many', '-t', 'e2e', '--parallel=1', '--output-style=static'], { ...env, API_KEYS: apiKeys, ...serviceUrls(services) });
            return code === 0;
          });
        }
        if (wants('chaos') && !interrupted) {
          await phase(`chaos soak (${process.env['CHAOS_PROFILE'] ?? 'short'} profile)`, async () => {
            // The end-to-end services are done; they would only log the servers' restarts.
            await stopServices(services);
            services = [];
            if ((await buildApps()) !== 0) return false;
            return (await runNx(['run-many', '-t', 'chaos', '--parallel=1', '--output-style=static'], env)) === 0;
          });
        }
      }
    }
  } finally {
    await cleanup();
  }

  const kinds: Kind[] = (['unit', 'int', 'e2e', 'chaos'] as const).filter(wants);
  const counts = kinds.map((kind) => [kind, tally(kind)] as const);
  for (const [kind, t] of counts) {
    if (t.passed === 0 && !failures.length) failures.push(`no ${kind} test ran`);
  }
  const passed = counts.reduce((n, [, t]) => n + t.passed, 0);
  const failed = counts.reduce((n, [, t]) => n + t.failed + t.suitesFailed, 0);
  process.stdout.write('\n');
  for (const line of timings) process.stdout.write(`  ${line}\n`);
  for (const [kind, t] of counts) process.stdout.write(`  ${kind}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${t.suitesFailed ? `, ${t.suitesFailed} suites failed to run` : ''}\n`);
  process.stdout.write(`  total time ${formatSeconds(Date.now() - began)}\n`);
  if (failures.length) process.stdout.write(`  FAILED: ${failures.join('; ')}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failures.length === 0 && failed === 0 ? 0 : 1;
}
