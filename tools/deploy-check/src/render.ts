import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { infraSettings } from '@eventide/local-infra';
import { crdSchemaTemplate, kubernetesSchemaTemplate } from './schemas';
import { customApiVersions, ensureDeployTools, type DeployTools } from './toolchain';
import { kubernetesVersion } from './versions';

export const defaultChartDir = 'deploy/helm/eventide';

export interface RenderOptions {
  /** The chart, absolute or relative to the workspace root; `deploy/helm/eventide` by default. */
  chartDir?: string;
  release?: string;
  namespace?: string;
  /** Extra `helm template` arguments. */
  extraArgs?: string[];
  tools?: DeployTools;
}

export interface Rendered {
  yaml: string;
  /** The non-empty documents, parsed. */
  documents: Record<string, unknown>[];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const chartPath = (chartDir = defaultChartDir) => (isAbsolute(chartDir) ? chartDir : join(infraSettings().workspaceRoot, chartDir));

/** Helm with its config, cache and data inside our cache dir: no user repos, plugins or registry logins leak in. */
function helmEnv(tools: DeployTools): NodeJS.ProcessEnv {
  const home = join(tools.schemaDir, '..', 'helm-home');
  return {
    ...process.env,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
  };
}

/** Capabilities as a cluster with the pinned Kubernetes and every CRD we hold schemas for would report. */
const capabilityArgs = () => ['--kube-version', kubernetesVersion, ...customApiVersions.flatMap((api) => ['--api-versions', api])];

/** `--set`/`--values` arguments for `values`, writing an object to a values file in `scratch`. */
async function valuesArgs(values: object | string[] | undefined, scratch: string): Promise<string[]> {
  if (Array.isArray(values)) return values.flatMap((expression) => ['--set', expression]);
  if (!values) return [];
  const file = join(scratch, 'values.json');
  await writeFile(file, JSON.stringify(values));
  return ['--values', file];
}

async function withScratch<T>(work: (scratch: string) => Promise<T>): Promise<T> {
  const scratch = await mkdtemp(join(tmpdir(), 'deploy-check-'));
  try {
    return await work(scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * `helm template eventide deploy/helm/eventide --namespace eventide`, with `values` given as an
 * object (written to a temporary values file) or as `--set` expressions (`['route.enabled=true']`).
 * Throws with helm's stderr when rendering fails.
 */
export async function renderChart(values?: object | string[], opts: RenderOptions = {}): Promise<Rendered> {
  const tools = opts.tools ?? (await ensureDeployTools());
  return withScratch(async (scratch) => {
    const args = [
      'template',
      opts.release ?? 'eventide',
      chartPath(opts.chartDir),
      '--namespace',
      opts.namespace ?? 'eventide',
      ...capabilityArgs(),
      ...(await valuesArgs(values, scratch)),
      ...(opts.extraArgs ?? []),
    ];
    const result = await run(tools.helm, args, { env: helmEnv(tools) });
    if (result.code !== 0) throw new Error(`helm ${args.join(' ')} exited with ${result.code}:\n${result.stderr}`);
    const documents = parseAllDocuments(result.stdout).flatMap((doc) => {
      if (doc.errors.length) throw new Error(`helm rendered invalid YAML: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as unknown;
      return value === null || value === undefined ? [] : [value as Record<string, unknown>];
    });
    return { yaml: result.stdout, documents };
  });
}

/** `-schema-location` values: local files only, never kubeconform's default remote location. */
export function schemaLocations(schemaDir: string): string[] {
  return [join(schemaDir, kubernetesSchemaTemplate), join(schemaDir, crdSchemaTemplate)];
}

export interface KubeconformResource {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: 'statusValid' | 'statusInvalid' | 'statusError' | 'statusSkipped' | 'statusEmpty';
  msg: string;
  validationErrors?: { path: string; msg: string }[];
}

export interface KubeconformResult {
  code: number | null;
  resources: KubeconformResource[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
  stderr: string;
}

/**
 * Validates manifests with kubeconform in strict mode against the local schemas only. A resource
 * with no schema is an error (no `-ignore-missing-schemas`), so the exit code is non-zero for any
 * invalid or unknown resource.
 */
export async function kubeconform(yaml: string, tools?: DeployTools): Promise<KubeconformResult> {
  const { kubeconform: binary, schemaDir } = tools ?? (await ensureDeployTools());
  const args = ['-strict', '-summary', '-verbose', '-output', 'json', '-kubernetes-version', kubernetesVersion, ...schemaLocations(schemaDir).flatMap((location) => ['-schema-location', location]), '-'];
  const result = await run(binary, args, { input: yaml });
  let parsed: { resources?: KubeconformResource[]; summary?: KubeconformResult['summary'] };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    throw new Error(`kubeconform (exit ${result.code}) printed no JSON:\n${result.stdout}\n${result.stderr}`);
  }
  return {
    code: result.code,
    resources: parsed.resources ?? [],
    summary: parsed.summary ?? { valid: 0, invalid: 0, errors: 0, skipped: 0 },
    stderr: result.stderr,
  };
}

/** `helm lint --strict` on the chart with the same `values` forms as `renderChart`; resolves with helm's exit code and output. */
export async function helmLint(values?: object | string[], opts: RenderOptions = {}): Promise<RunResult> {
  const tools = opts.tools ?? (await ensureDeployTools());
  return withScratch(async (scratch) => {
    const args = ['lint', '--strict', chartPath(opts.chartDir), '--namespace', opts.namespace ?? 'eventide', ...(await valuesArgs(values, scratch)), ...(opts.extraArgs ?? [])];
    return run(tools.helm, args, { env: helmEnv(tools) });
  });
}

/**
 * Loads a Compose file as `docker compose config` would (tools/compose-check, built on compose-go):
 * the Compose Specification's schema, merge keys, interpolation and dependency checks. Resolves
 * with the exit code, the resolved project (when it loaded) and the error text.
 */
export async function loadCompose(file: string, profiles: string[] = [], tools?: DeployTools): Promise<{ code: number | null; project?: { services: Record<string, Record<string, unknown>> }; stderr: string }> {
  const { composeCheck } = tools ?? (await ensureDeployTools());
  // No variables from the caller's shell: the file must carry its own defaults.
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
  const result = await run(composeCheck, [file, ...profiles], { env });
  return { code: result.code, stderr: result.stderr, ...(result.code === 0 ? { project: JSON.parse(result.stdout) as { services: Record<string, Record<string, unknown>> } } : {}) };
}
