#!/usr/bin/env node
// Entry point of `npm start`, `npm test` and `npm run infra`. Plain Node with no dependencies, because
// on a fresh clone nothing is installed yet: it installs from the lockfile when node_modules is
// missing or older than the lockfile, then hands over to the TypeScript tooling in tools/dev.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node.js 20.19 or newer is needed (this is ${process.version}).`);
  process.exit(1);
}

const lockfile = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lockfile).mtimeMs;
if (stale) {
  console.error('[setup] installing dependencies from package-lock.json (npm ci)...');
  const started = Date.now();
  const npm = (args) => spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' }).status;
  // `npm ci` refuses a lockfile that lacks other platforms' optional binaries (a registry mirror
  // without them leaves them out); `npm install` then installs the same locked versions.
  if (npm(['ci']) !== 0) {
    console.error('[setup] npm ci refused the lockfile; installing the locked versions with npm install');
    const status = npm(['install']);
    if (status !== 0) {
      console.error('[setup] npm install failed; see the output above.');
      process.exit(status ?? 1);
    }
  }
  console.error(`[setup] dependencies installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

// npm does not pass a SIGTERM it receives on to the script it runs: it exits and leaves us orphaned.
// Noticing that our parent is gone and acting as if the SIGTERM had reached us keeps the promise that
// stopping `npm start` stops everything it started.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

process.env.TSX_TSCONFIG_PATH = join(root, 'tsconfig.base.json');
const require = createRequire(import.meta.url);
const { register } = require('tsx/cjs/api');
register();
const { main } = require('./dev/src/main.ts');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
