// Compiles one app and every library it can reach into dist/apps/<app>, keeping the workspace layout
// so relative imports (SWC rewrites the @eventide/* aliases to relative paths) resolve at run time.
// Type checking is the `typecheck` target's job; this only transpiles, which keeps builds to seconds.
//
// `--image <dir>` compiles every app and library into one tree with `run.js`, the container's entry
// point (`node run.js <app> [args]`): the tree the Dockerfile ships.
import { transformFile } from '@swc/core';
import { copyFile, mkdir, rm, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { workspaceRoot, swcOptions } = require('./swc-options.cjs');

const [first, second] = process.argv.slice(2);
const image = first === '--image';
if (!first || (image && !second)) {
  console.error('usage: node tools/build/build-app.mjs <app-name> | --image <out-dir>');
  process.exit(2);
}
const app = image ? 'image' : first;
const outDir = image ? join(workspaceRoot, second) : join(workspaceRoot, 'dist', 'apps', app);
const sourceRoots = image ? ['apps', 'libs'] : [join('apps', app, 'src'), 'libs'];
const isSource = (file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.spec\.ts$/.test(file) && !file.includes('__fixtures__');

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (isSource(path)) yield path;
  }
}

await rm(outDir, { recursive: true, force: true });
let count = 0;
for (const root of sourceRoots) {
  for await (const file of walk(join(workspaceRoot, root))) {
    const target = join(outDir, relative(workspaceRoot, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, { ...swcOptions(), filename: file, outputPath: target, swcrc: false });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, map ? `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n` : code);
    if (map) await writeFile(`${target}.map`, map);
    count += 1;
  }
}
if (image) await copyFile(join(workspaceRoot, 'tools', 'build', 'image-entry.cjs'), join(outDir, 'run.js'));
console.log(`built ${app}: ${count} files -> ${relative(workspaceRoot, outDir)}`);
