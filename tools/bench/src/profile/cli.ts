// Renders CPU profiles into a flame graph and a top-functions summary:
//   npx tsx tools/bench/src/profile/cli.ts <file.cpuprofile | folder>... [--out <base>] [--title <text>] [--windows <windows.json>]
// writes <base>.svg and <base>.md (base: `profile` in the current folder unless given) and prints the summary.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Window } from './cpuprofile';
import { renderProfiles } from './render';

function main(args: string[]): number {
  const option = (name: string): string | undefined => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const value = args[at + 1];
    args.splice(at, 2);
    return value;
  };
  const out = option('--out') ?? 'profile';
  const title = option('--title') ?? out;
  const windowsFile = option('--windows');
  const files = args.flatMap((a) => (statSync(a).isDirectory() ? readdirSync(a).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(a, f)) : [a]));
  if (files.length === 0) {
    process.stderr.write('usage: cli.ts <file.cpuprofile | folder>... [--out <base>] [--title <text>] [--windows <windows.json>]\n');
    return 2;
  }
  const windows = windowsFile ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as Window[]) : undefined;
  const summary = renderProfiles(files, out, title, { root: process.cwd(), ...(windows ? { windows } : {}) });
  process.stdout.write(summary ?? 'no samples\n');
  return summary ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));
