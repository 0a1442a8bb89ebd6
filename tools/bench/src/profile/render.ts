import { readFileSync, writeFileSync } from 'node:fs';
import { fold, markdownSummary, parseProfile, type Window } from './cpuprofile';
import { flameGraphSvg } from './flamegraph';

/**
 * Folds `.cpuprofile` files (cut to `windows` when given) into `<outBase>.svg` (flame graph) and
 * `<outBase>.md` (top functions). File paths are shown relative to `root`. Returns the markdown, or
 * undefined when no sample was left.
 */
export function renderProfiles(files: string[], outBase: string, title: string, options: { windows?: Window[]; root?: string } = {}): string | undefined {
  const profiles = files.map((f) => parseProfile(readFileSync(f, 'utf8')));
  const folded = fold(profiles, options);
  if (folded.samples === 0) return undefined;
  writeFileSync(`${outBase}.svg`, flameGraphSvg(folded, title));
  const summary = markdownSummary(folded, title);
  writeFileSync(`${outBase}.md`, summary);
  return summary;
}
