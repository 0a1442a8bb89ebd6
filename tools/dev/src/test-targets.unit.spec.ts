import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';

// Jest fails a target that finds no tests, and a test file without a target never runs. Both are
// caught here, in seconds, instead of in the middle of a CI run.
const { workspaceRoot } = infraSettings();
const kinds = ['unit', 'int', 'e2e', 'chaos'] as const;

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? specFiles(path) : entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const projects = ['apps', 'libs', 'tools'].flatMap((group) =>
  readdirSync(join(workspaceRoot, group))
    .map((name) => join(workspaceRoot, group, name))
    .filter((dir) => existsSync(join(dir, 'project.json'))),
);

describe.each(projects.map((dir) => [dir.slice(workspaceRoot.length + 1), dir]))('%s', (_, dir) => {
  const targets = Object.keys((JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')) as { targets?: object }).targets ?? {});
  const specs = existsSync(join(dir, 'src')) ? specFiles(join(dir, 'src')) : [];

  it.each(kinds)('declares a %s target exactly when it has such tests', (kind) => {
    const has = specs.some((file) => file.endsWith(`.${kind}.spec.ts`));
    expect({ kind, declared: targets.includes(kind) }).toEqual({ kind, declared: has });
  });

  it('names every spec file by what it needs (.unit, .int, .e2e or .chaos)', () => {
    expect(specs.filter((file) => !kinds.some((kind) => file.endsWith(`.${kind}.spec.ts`)))).toEqual([]);
  });
});
