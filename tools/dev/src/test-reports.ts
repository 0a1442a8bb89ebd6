import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';

const reportDir = join(infraSettings().workspaceRoot, '.reports');

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  suitesFailed: number;
}

export function clearReports(): void {
  rmSync(reportDir, { recursive: true, force: true });
}

/** Adds up the Jest JSON reports (`--json --outputFile`) that the test targets wrote for a kind. */
export function tally(kind: 'unit' | 'int' | 'e2e' | 'chaos'): Tally {
  const total: Tally = { passed: 0, failed: 0, skipped: 0, suitesFailed: 0 };
  if (!existsSync(reportDir)) return total;
  for (const file of readdirSync(reportDir).filter((f) => f.endsWith(`.${kind}.json`))) {
    const report = JSON.parse(readFileSync(join(reportDir, file), 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      numRuntimeErrorTestSuites: number;
      numFailedTestSuites: number;
    };
    total.passed += report.numPassedTests;
    total.failed += report.numFailedTests;
    total.skipped += report.numPendingTests + report.numTodoTests;
    total.suitesFailed += report.numFailedTestSuites + report.numRuntimeErrorTestSuites;
  }
  return total;
}
