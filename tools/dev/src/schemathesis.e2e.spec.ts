import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSchemathesis, run, schemathesisChecks, schemathesisVersion } from './schemathesis';

// A second opinion beside the fast-check fuzzing: Schemathesis generates requests from each API's own
// OpenAPI document (/docs-json) and checks every answer against that document: no 5xx but the
// documented ones, only documented status codes, content types, headers and bodies. It runs as a
// tenant nobody else uses (the runner's `schemathesis-*` keys). SCHEMATHESIS_EXAMPLES sets the
// examples per operation and phase; SCHEMATHESIS_SEED replays a run.
const gateway = process.env['QUERY_GATEWAY_URL'] ?? '';
const commands = process.env['COMMAND_SERVICE_URL'] ?? '';
const entries = (process.env['API_KEYS'] ?? '').split(',').map((entry) => entry.split('='));
const apiKey = (entries.find(([, tenant]) => tenant?.startsWith('schemathesis')) ?? entries.at(-1) ?? [])[0] ?? '';
const examples = Number(process.env['SCHEMATHESIS_EXAMPLES'] ?? 30);
const seed = Number(process.env['SCHEMATHESIS_SEED'] ?? 20261122);

jest.setTimeout(300_000);

let python = '';
let reports = '';
beforeAll(async () => {
  // Installing is part of the test: when it cannot install, this fails (it never skips).
  python = await ensureSchemathesis();
  reports = await mkdtemp(join(tmpdir(), 'schemathesis-'));
});
afterAll(() => rm(reports, { recursive: true, force: true }));

describe.each([
  ['command API', () => commands],
  ['query gateway', () => gateway],
])(`Schemathesis ${schemathesisVersion} against the %s's own OpenAPI document`, (name, base) => {
  it('finds no server error and no answer its document does not describe', async () => {
    expect(apiKey).not.toBe('');
    const args = [
      '-m', 'schemathesis.cli', 'run', `${base()}/docs-json`,
      '--header', `X-Api-Key: ${apiKey}`,
      '--checks', schemathesisChecks.join(','),
      '--max-examples', String(examples),
      '--seed', String(seed),
      '--workers', '1',
      '--request-timeout', '15',
      '--generation-database', 'none',
      '--no-color',
      '--report', 'junit',
      '--report-dir', join(reports, name.replace(/\W+/g, '-')),
    ];
    // Run where its cache directory (.schemathesis) lands in the temporary directory, not the workspace.
    const { code, output } = await run(python, args, { env: { ...process.env, NO_COLOR: '1' }, cwd: reports });
    const generated = /(\d+) generated/.exec(output)?.[1] ?? '?';
    process.stderr.write(`schemathesis ${name}: ${generated} test cases, seed ${seed}, exit ${code}\n`);
    // On failure the message is Schemathesis's own report: each failure with its curl command.
    if (code !== 0) throw new Error(`Schemathesis found failures in the ${name} (replay with SCHEMATHESIS_SEED=${seed}):\n${output}`);
    expect(Number(generated)).toBeGreaterThan(0);
  });
});
