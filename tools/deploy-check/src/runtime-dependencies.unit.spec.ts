import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { infraSettings } from '@eventide/local-infra';

// The image installs only package.json's `dependencies` (npm ci --omit=dev). A service importing a
// devDependency would start on a developer's machine and crash in the container, so every package
// the shipped code imports must be a production dependency.
const { workspaceRoot } = infraSettings();
const manifest = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function shippedSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' || entry.name === '__fixtures__' ? [] : shippedSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string));

const sources = ['apps', 'libs'].flatMap((group) => readdirSync(join(workspaceRoot, group)).flatMap((project) => shippedSources(join(workspaceRoot, group, project, 'src'))));
const imports = sources.flatMap((file) =>
  // `import type` disappears in compilation; every other import is loaded at run time.
  [...readFileSync(file, 'utf8').matchAll(/(?:^import\s+|^import(?! type )[^'"]*?from\s+|^export(?! type )[^'"]*?from\s+|require\(|import\()\s*'([^'.][^']*)'/gm)].map((m) => ({ file: relative(workspaceRoot, file), specifier: m[1] as string })),
);

describe('what the image ships', () => {
  it('finds the shipped sources and their imports', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(imports.map((i) => packageOf(i.specifier))).toEqual(expect.arrayContaining(['@nestjs/common', 'kafkajs', 'mongodb', 'ioredis']));
  });

  it('imports only Node built-ins, workspace libraries and production dependencies', () => {
    const missing = imports.filter(({ specifier }) => {
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return false;
      if (specifier.startsWith('@eventide/')) return false;
      return manifest.dependencies[packageOf(specifier)] === undefined;
    });
    expect(missing).toEqual([]);
  });
});
