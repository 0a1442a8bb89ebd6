import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { capture, formatSeconds, infraSettings, progressFor, runCommand, which } from '@eventide/local-infra';
import { crdSchemas, kubernetesSchemas, type Schema } from './schemas';
import { deployToolVersions as v, kubernetesVersion } from './versions';

export interface DeployTools {
  helm: string;
  kubeconform: string;
  /** Holds `kubernetes/…` and `crds/…` in the layout of `schemaLocations(schemaDir)`. */
  schemaDir: string;
  /** tools/compose-check: loads a Compose file with compose-go, as `docker compose config` does. */
  composeCheck: string;
}

const progress = progressFor('deploy-check');

/** The CRDs whose schemas are generated, each from a pinned Go module (Strimzi comes from Maven). */
const goModuleCrds = [
  { module: 'github.com/kedacore/keda/v2', version: v.keda, files: ['config/crd/bases/keda.sh_scaledobjects.yaml', 'config/crd/bases/keda.sh_triggerauthentications.yaml', 'config/crd/bases/keda.sh_clustertriggerauthentications.yaml', 'config/crd/bases/keda.sh_scaledjobs.yaml'] },
  { module: 'sigs.k8s.io/gateway-api', version: v.gatewayApi, files: ['config/crd/standard/gateway.networking.k8s.io_httproutes.yaml', 'config/crd/standard/gateway.networking.k8s.io_gateways.yaml', 'config/crd/standard/gateway.networking.k8s.io_grpcroutes.yaml', 'config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml'] },
  { module: 'github.com/prometheus-operator/prometheus-operator', version: v.prometheusOperator, files: ['example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml', 'example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml', 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml'] },
];
const strimziKinds = ['io.strimzi.api.kafka.model.topic.KafkaTopic', 'io.strimzi.api.kafka.model.user.KafkaUser'];

/** The API groups/versions whose schemas exist, for `helm template --api-versions`. */
export const customApiVersions = ['keda.sh/v1alpha1', 'gateway.networking.k8s.io/v1', 'monitoring.coreos.com/v1', 'kafka.strimzi.io/v1beta2'];

async function requireTool(name: string, purpose: string): Promise<string> {
  const found = await which(name);
  if (!found) throw new Error(`deploy-check needs \`${name}\` on PATH to ${purpose}; install it (see tools/deploy-check/README.md)`);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `work` holding a lock directory (mkdir is atomic), so two Jest workers or two checkouts do
 * not build the same thing at once. A lock whose owner died is taken over.
 */
async function withLock<T>(lockDir: string, work: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
  await mkdir(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => ''));
      const age = Date.now() - (await stat(lockDir).then((s) => s.mtimeMs, () => Date.now()));
      // No pid yet is a lock being taken right now, unless it has stayed that way for a while.
      if ((owner && !isAlive(owner)) || (!owner && age > 30_000)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir} (held by pid ${owner})`);
      if (!told) progress.info(`waiting for pid ${owner}, which is preparing ${dirname(lockDir)}`);
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/** Builds `target` (a file or directory) at a scratch path and renames it into place once, under a lock. */
async function provision(target: string, what: string, build: (scratch: string) => Promise<void>): Promise<void> {
  if (existsSync(target)) return;
  await withLock(`${target}.lock`, async () => {
    if (existsSync(target)) return;
    const started = Date.now();
    const scratch = `${target}.partial-${process.pid}`;
    await rm(scratch, { recursive: true, force: true });
    progress.info(`preparing ${what} (once; cached in ${dirname(target)})`);
    try {
      await build(scratch);
      await rename(scratch, target);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    progress.info(`${what} ready in ${formatSeconds(Date.now() - started)}`);
  });
}

async function goInstall(go: string, pkg: string, version: string, binary: string, ldflags: string): Promise<void> {
  const name = pkg.split('/').pop() as string;
  await provision(binary, `${name} ${version} (go install)`, async (scratch) => {
    await mkdir(scratch, { recursive: true });
    await runCommand(go, ['install', '-trimpath', `-ldflags=-s -w ${ldflags}`, `${pkg}@${version}`], {
      env: { ...process.env, GOBIN: scratch, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: process.env['GOTOOLCHAIN'] ?? 'local' },
      progress,
      activity: `building ${name} ${version}`,
      echo: (line) => (line.startsWith('go: downloading') ? line.replace(/^go: /, '') : undefined),
    });
    // `provision` renames the scratch path itself into place, so the binary must become it.
    await rename(join(scratch, name), `${scratch}.bin`);
    await rm(scratch, { recursive: true, force: true });
    await rename(`${scratch}.bin`, scratch);
  });
}

/** The directory of a pinned Go module in the module cache (downloaded from the proxy when missing). */
async function goModuleDir(go: string, module: string, version: string): Promise<string> {
  const out = await capture(go, ['mod', 'download', '-json', `${module}@${version}`]);
  const info = out ? (JSON.parse(out) as { Dir?: string; Error?: string }) : undefined;
  if (!info?.Dir) {
    await runCommand(go, ['mod', 'download', '-x', `${module}@${version}`], { progress, activity: `downloading ${module}@${version}` });
    throw new Error(`go mod download did not report where ${module}@${version} is${info?.Error ? `: ${info.Error}` : ''}`);
  }
  return info.Dir;
}

const strimziPom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>eventide.local</groupId>
  <artifactId>strimzi-crds</artifactId>
  <version>0</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>${v.strimzi}</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>${v.strimzi}</version></dependency>
  </dependencies>
</project>
`;

/** Strimzi publishes no CRD YAML to a registry; its own generator, from Maven Central, writes them. */
async function strimziCrds(dir: string): Promise<string[]> {
  await provision(dir, `Strimzi ${v.strimzi} CRDs (Maven, Java)`, async (scratch) => {
    const mvn = await requireTool('mvn', `fetch Strimzi ${v.strimzi} from Maven Central`);
    const java = await requireTool('java', `run Strimzi's CRD generator (Java 17+)`);
    await mkdir(join(scratch, 'out'), { recursive: true });
    await writeFile(join(scratch, 'pom.xml'), strimziPom);
    await runCommand(mvn, ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=lib'], { cwd: scratch, progress, activity: `fetching Strimzi ${v.strimzi} jars` });
    const args = strimziKinds.flatMap((cls) => ['--yaml', `${cls}=out/${cls.split('.').pop()?.toLowerCase()}.yaml`]);
    await runCommand(java, ['-cp', 'lib/*', 'io.strimzi.crdgenerator.CrdGenerator', ...args], { cwd: scratch, progress, activity: 'generating Strimzi CRDs' });
    await rm(join(scratch, 'lib'), { recursive: true, force: true });
  });
  return (await readdir(join(dir, 'out'))).map((file) => join(dir, 'out', file));
}

function parseYamlDocuments(text: string, source: string): unknown[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as unknown;
    return value === null || value === undefined ? [] : [value];
  });
}

async function writeSchemas(root: string, schemas: Map<string, Schema>): Promise<void> {
  const dirs = new Set([...schemas.keys()].map((path) => dirname(join(root, path))));
  await Promise.all([...dirs].map((dir) => mkdir(dir, { recursive: true })));
  for (const [path, schema] of schemas) await writeFile(join(root, path), JSON.stringify(schema));
}

const composeCheckDir = join(infraSettings().workspaceRoot, 'tools', 'compose-check');

/** A short hash of some files of a directory: a build cached under it is rebuilt when they change. */
function sourceKey(dir: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 12);
}

/** A key that changes with the pinned sources or with the converter's code, so either rebuilds the schemas. */
function schemaKey(): string {
  const hash = createHash('sha256').update(JSON.stringify(v));
  for (const file of ['schemas.ts', 'schemas.js']) {
    const path = join(__dirname, file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * Provisions helm, kubeconform and strict JSON schemas for every kind the chart may render, in the
 * shared cache (`infraSettings().cacheDir/deploy-tools`), once: later calls return at once, and
 * concurrent ones wait for the first.
 */
export async function ensureDeployTools(): Promise<DeployTools> {
  const root = join(infraSettings().cacheDir, 'deploy-tools');
  const helm = join(root, 'bin', `helm-${v.helm}`);
  const kubeconform = join(root, 'bin', `kubeconform-${v.kubeconform}`);
  const schemaDir = join(root, `schemas-${kubernetesVersion}-${schemaKey()}`);
  const composeCheck = join(root, 'bin', `compose-check-${sourceKey(composeCheckDir, ['go.mod', 'go.sum', 'main.go'])}`);
  if ([helm, kubeconform, schemaDir, composeCheck].every((path) => existsSync(path))) return { helm, kubeconform, schemaDir, composeCheck };

  const go = await requireTool('go', 'build helm and kubeconform and fetch the Kubernetes and CRD sources from the Go module proxy');
  await mkdir(join(root, 'bin'), { recursive: true });
  // The builds run one after the other: they share two cores with everything else.
  await goInstall(go, 'github.com/yannh/kubeconform/cmd/kubeconform', v.kubeconform, kubeconform, `-X main.version=${v.kubeconform}`);
  await goInstall(go, 'helm.sh/helm/v3/cmd/helm', v.helm, helm, `-X helm.sh/helm/v3/internal/version.version=${v.helm}`);
  await provision(composeCheck, 'compose-check (go build, compose-go)', async (scratch) => {
    await runCommand(go, ['build', '-trimpath', '-ldflags=-s -w', '-o', scratch, '.'], {
      cwd: composeCheckDir,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false -mod=readonly', GOTOOLCHAIN: process.env['GOTOOLCHAIN'] ?? 'local' },
      progress,
      activity: 'building compose-check',
    });
  });
  const strimzi = await strimziCrds(join(root, `strimzi-${v.strimzi}`));
  await provision(schemaDir, `JSON schemas for Kubernetes ${kubernetesVersion} and the CRDs`, async (scratch) => {
    const k8sDir = await goModuleDir(go, 'k8s.io/kubernetes', v.kubernetes);
    const swagger = JSON.parse(await readFile(join(k8sDir, 'api', 'openapi-spec', 'swagger.json'), 'utf8')) as { definitions: Record<string, Schema> };
    await writeSchemas(scratch, kubernetesSchemas(swagger, kubernetesVersion));
    const crdFiles: string[] = [...strimzi];
    for (const { module, version, files } of goModuleCrds) {
      const dir = await goModuleDir(go, module, version);
      crdFiles.push(...files.map((file) => join(dir, file)));
    }
    for (const file of crdFiles) {
      for (const doc of parseYamlDocuments(await readFile(file, 'utf8'), file)) {
        await writeSchemas(scratch, crdSchemas(doc as Parameters<typeof crdSchemas>[0]));
      }
    }
    await writeFile(join(scratch, 'sources.json'), JSON.stringify({ versions: v, crdFiles }, null, 2));
  });
  return { helm, kubeconform, schemaDir, composeCheck };
}
