import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';

/** Pinned: a new Schemathesis brings new checks, which belong in a change of their own. */
export const schemathesisVersion = '4.32.5';

export interface Outcome {
  code: number;
  output: string;
}

/** Runs a command and collects its stdout and stderr together; never rejects on a non-zero exit. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 300_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/**
 * The Python of a venv holding Schemathesis, in the shared cache (`<cacheDir>/schemathesis-<version>`):
 * built once from PyPI (only PyPI: no local wheel directory or pip configuration of this machine),
 * then returned at once. The venv is built beside its place and renamed into it, so a run that died
 * half-way or a concurrent one never leaves a broken venv there. Throws with pip's output when it
 * cannot install: a missing tool fails the test, it does not skip it.
 */
export async function ensureSchemathesis(): Promise<string> {
  const venv = join(infraSettings().cacheDir, `schemathesis-${schemathesisVersion}`);
  const python = join(venv, 'bin', 'python');
  const works = async (py: string) => (await run(py, ['-m', 'schemathesis.cli', '--version']).catch(() => ({ code: 1, output: '' }))).output.includes(schemathesisVersion);
  if (existsSync(python) && (await works(python))) return python;
  await rm(venv, { recursive: true, force: true }); // a broken or other-version leftover

  const building = `${venv}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  const made = await run('python3', ['-m', 'venv', building]).catch((error: unknown) => ({ code: 1, output: String(error) }));
  if (made.code !== 0) throw new Error(`could not create a Python venv for Schemathesis (python3 -m venv ${building}):\n${made.output}`);
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: devNull, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  for (const name of ['PIP_FIND_LINKS', 'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_NO_INDEX']) delete env[name];
  const pip = await run(join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--no-input', '--index-url', 'https://pypi.org/simple', `schemathesis==${schemathesisVersion}`], { env });
  if (pip.code !== 0) {
    await rm(building, { recursive: true, force: true });
    throw new Error(`could not install schemathesis==${schemathesisVersion} from PyPI:\n${pip.output.slice(-4000)}`);
  }
  // Another process may have finished first: keep its venv, drop ours. `python -m` works after the
  // rename (a venv's scripts do not: their first line names the old place).
  await rename(building, venv).catch(() => rm(building, { recursive: true, force: true }));
  if (!(await works(python))) throw new Error(`schemathesis ${schemathesisVersion} was installed in ${venv} but does not run`);
  return python;
}

/**
 * What the e2e spec asks of every answer, in Schemathesis 4's names: no server error; status, content
 * type, headers and body as documented; and a 405 with a right `Allow` for a method a path does not serve.
 */
export const schemathesisChecks = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'unsupported_method',
  'allow_header_conformance',
];
