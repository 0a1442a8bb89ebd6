import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { capture, runCommand, which } from '../run-command';
import { versions, type InfraSettings } from '../settings';
import type { ManagedServer } from './managed-server';
import type { Progress } from '../log';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/**
 * Builds FerretDB from the Go module proxy. `go install module@version` is not used: it also asks
 * the proxy for the module's version list (to report deprecation), which some proxies refuse. We
 * download the pinned module, stamp the version file its release process would generate, and build.
 */
async function buildFerretDb(binary: string, cacheDir: string, progress: Progress): Promise<void> {
  const go = await which('go');
  if (!go) throw new Error('no `mongod` on PATH and no Go toolchain to build FerretDB; install one, or set MONGO_URL');
  progress.info(`building FerretDB ${versions.ferretdb} with Go (once; about a minute on 2 cores)`);
  const info = await capture(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${versions.ferretdb}`]);
  const dir = info ? (JSON.parse(info) as { Dir?: string }).Dir : undefined;
  if (!dir) {
    await runCommand(go, ['mod', 'download', '-x', `${FERRETDB_MODULE}@${versions.ferretdb}`], { progress, activity: 'downloading FerretDB' });
    throw new Error(`go mod download did not report where ${FERRETDB_MODULE}@${versions.ferretdb} is`);
  }
  const source = join(cacheDir, `ferretdb-${versions.ferretdb}-src`);
  await rm(source, { recursive: true, force: true });
  await cp(dir, source, { recursive: true });
  await runCommand('chmod', ['-R', 'u+w', source], { progress, activity: 'preparing FerretDB sources' });
  await writeFile(join(source, 'build', 'version', 'version.txt'), `${versions.ferretdb}\n`);
  await runCommand(go, ['build', '-trimpath', '-buildvcs=false', '-o', `${binary}.partial`, './cmd/ferretdb'], {
    cwd: source,
    progress,
    activity: 'building FerretDB',
    echo: (line) => (line.startsWith('go: downloading') ? line.replace(/^go: /, '') : undefined),
  });
  await rename(`${binary}.partial`, binary);
  await rm(source, { recursive: true, force: true });
}

/** A MongoDB-protocol server: the real `mongod` when installed, else FerretDB on SQLite. */
export function mongoServer(settings: InfraSettings): ManagedServer {
  const port = settings.ports.mongo;
  const dir = join(settings.stateDir, 'mongo');
  const dataDir = join(dir, 'data');
  const ferretBinary = join(settings.cacheDir, `ferretdb-${versions.ferretdb}`, 'ferretdb');

  return {
    name: 'mongo',
    envVar: 'MONGO_URL',
    port,
    localUrl: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    readyTimeoutMs: 60_000,
    stopGraceMs: 15_000,
    async prepare(progress) {
      await mkdir(dataDir, { recursive: true });
      const mongod = await which('mongod');
      if (mongod) {
        return {
          description: `MongoDB (${mongod})`,
          command: mongod,
          cwd: dir,
          args: ['--dbpath', dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'],
        };
      }
      if (!existsSync(ferretBinary)) {
        await mkdir(join(settings.cacheDir, `ferretdb-${versions.ferretdb}`), { recursive: true });
        await buildFerretDb(ferretBinary, settings.cacheDir, progress);
      }
      return {
        description: `FerretDB ${versions.ferretdb} on SQLite (no mongod on PATH)`,
        command: ferretBinary,
        cwd: dir,
        args: [
          '--handler=sqlite',
          `--sqlite-url=file:${dataDir}/`,
          `--listen-addr=127.0.0.1:${port}`,
          `--state-dir=${dir}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=warn',
        ],
      };
    },
    async probe(url) {
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
      try {
        await client.connect();
        const reply = await client.db('admin').command({ ping: 1 });
        if (reply['ok'] !== 1) throw new Error(`ping answered ${JSON.stringify(reply)}`);
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  };
}
