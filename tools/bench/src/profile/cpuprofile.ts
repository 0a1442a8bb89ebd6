// Reads Chrome/V8 CPU profiles (`.cpuprofile`, as written by `node --cpu-prof` or the inspector's
// Profiler.stop) and folds them into one tree of call stacks, identical stacks merged, weighted by
// the samples taken in them. No dependencies: the format is plain JSON.

/** One node of a `.cpuprofile`: a call frame reached by one path from the root. */
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId?: string | number; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds, on the same monotonic clock as `process.hrtime` on this machine. */
  startTime: number;
  endTime: number;
  /** Node id sampled at each tick, and the microseconds since the previous sample (the first: since startTime). */
  samples?: number[];
  timeDeltas?: number[];
}

/** A time window in microseconds on the profile's clock (`process.hrtime.bigint() / 1000n`). */
export interface Window {
  start: number;
  end: number;
}

/** A function as the report names it. */
export interface Frame {
  name: string;
  /** Script URL, shortened (no file://, relative to the workspace when under it); '' for V8's own entries. */
  file: string;
  /** 1-based line, 0 when unknown. */
  line: number;
}

/** A node of the merged tree: one distinct stack, with the samples taken in it (self) and below it (total). */
export interface StackNode {
  frame: Frame;
  self: number;
  total: number;
  children: StackNode[];
}

export const SPECIAL = ['(idle)', '(program)', '(garbage collector)'] as const;

export interface FoldedProfile {
  /** The merged tree; its root stands for `(root)` and holds every sample. */
  root: StackNode;
  /** All samples counted (idle included). */
  samples: number;
  /** Samples in `(idle)`, `(program)` and `(garbage collector)`. */
  special: Record<(typeof SPECIAL)[number], number>;
  /** Wall time the counted samples cover, in ms (sum of their intervals). */
  wallMs: number;
  profiles: number;
}

const frameKey = (f: Frame): string => `${f.name}\u0000${f.file}\u0000${f.line}`;

/** `file:///work/main/libs/x.js` -> `libs/x.js`; node internals and V8 entries as they are. */
export function shortUrl(url: string, root = process.cwd()): string {
  let u = url.replace(/^file:\/\//, '');
  const base = root.endsWith('/') ? root : `${root}/`;
  if (u.startsWith(base)) u = u.slice(base.length);
  return u;
}

export function frameOf(node: ProfileNode, root?: string): Frame {
  const { functionName, url, lineNumber } = node.callFrame;
  // TypeScript run through tsx (the bench process) reports lines of the transpiled module, which
  // say nothing about the source: such frames are named by function and file alone.
  const transpiled = /\.[cm]?tsx?$/.test(url);
  return { name: functionName || '(anonymous)', file: shortUrl(url, root), line: lineNumber >= 0 && !transpiled ? lineNumber + 1 : 0 };
}

export function parseProfile(text: string): CpuProfile {
  const json = JSON.parse(text) as Partial<CpuProfile>;
  if (!Array.isArray(json.nodes)) throw new Error('not a CPU profile: no nodes');
  return json as CpuProfile;
}

/** How many samples each node got (within the windows, when given) and the wall time they cover. */
export function sampleCounts(profile: CpuProfile, windows?: Window[]): { counts: Map<number, number>; wallMs: number } {
  const counts = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (!samples || !timeDeltas || samples.length === 0) {
    // Without the samples array only the hit counts are known, and no timestamps: windows cannot apply.
    for (const n of profile.nodes) if (n.hitCount) counts.set(n.id, n.hitCount);
    return { counts, wallMs: (profile.endTime - profile.startTime) / 1000 };
  }
  let t = profile.startTime;
  let wallUs = 0;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    if (windows && !windows.some((w) => t >= w.start && t <= w.end)) continue;
    const id = samples[i] as number;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    // A sample stands for the interval until the next one (the last one: until the profile ends).
    wallUs += i + 1 < samples.length ? (timeDeltas[i + 1] ?? 0) : Math.max(0, profile.endTime - t);
  }
  return { counts, wallMs: wallUs / 1000 };
}

const emptyNode = (frame: Frame): StackNode => ({ frame, self: 0, total: 0, children: [] });

/** Folds one or more profiles into a single merged tree (identical stacks merged, across profiles too). */
export function fold(profiles: CpuProfile[], options: { windows?: Window[]; root?: string } = {}): FoldedProfile {
  const root = emptyNode({ name: '(root)', file: '', line: 0 });
  const special = { '(idle)': 0, '(program)': 0, '(garbage collector)': 0 };
  const index = new Map<StackNode, Map<string, StackNode>>();
  const childOf = (parent: StackNode, frame: Frame): StackNode => {
    let byKey = index.get(parent);
    if (!byKey) index.set(parent, (byKey = new Map()));
    const key = frameKey(frame);
    let child = byKey.get(key);
    if (!child) {
      child = emptyNode(frame);
      byKey.set(key, child);
      parent.children.push(child);
    }
    return child;
  };
  let wallMs = 0;
  for (const profile of profiles) {
    const { counts, wallMs: wall } = sampleCounts(profile, options.windows);
    wallMs += wall;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const isChild = new Set(profile.nodes.flatMap((n) => n.children ?? []));
    const walk = (node: ProfileNode, into: StackNode) => {
      const hits = counts.get(node.id) ?? 0;
      into.self += hits;
      for (const id of node.children ?? []) {
        const child = byId.get(id);
        if (child) walk(child, childOf(into, frameOf(child, options.root)));
      }
    };
    // The profile's (root) maps onto the merged root; a profile with several roots gets them all.
    for (const top of profile.nodes.filter((n) => !isChild.has(n.id))) {
      if (top.callFrame.functionName === '(root)') walk(top, root);
      else walk(top, childOf(root, frameOf(top, options.root)));
    }
  }
  const totals = (n: StackNode): number => (n.total = n.self + n.children.reduce((s, c) => s + totals(c), 0));
  totals(root);
  const prune = (n: StackNode) => {
    n.children = n.children.filter((c) => c.total > 0).sort((a, b) => frameKey(a.frame).localeCompare(frameKey(b.frame)));
    n.children.forEach(prune);
  };
  prune(root);
  for (const c of root.children) if (c.frame.file === '' && c.frame.name in special) special[c.frame.name as keyof typeof special] += c.total;
  return { root, samples: root.total, special, wallMs, profiles: profiles.length };
}

export interface SelfRow {
  frame: Frame;
  self: number;
  /** Share of all samples (idle included), and of the busy ones (idle excluded). */
  ofAll: number;
  ofBusy: number;
}

/** Functions by self samples, summed over every stack they appear in; `(idle)` left out. */
export function topSelf(folded: FoldedProfile, limit = 15): SelfRow[] {
  const byKey = new Map<string, { frame: Frame; self: number }>();
  const visit = (n: StackNode) => {
    if (n !== folded.root && n.self > 0 && !(n.frame.name === '(idle)' && n.frame.file === '')) {
      const key = frameKey(n.frame);
      const row = byKey.get(key) ?? { frame: n.frame, self: 0 };
      row.self += n.self;
      byKey.set(key, row);
    }
    n.children.forEach(visit);
  };
  visit(folded.root);
  const busy = folded.samples - folded.special['(idle)'];
  return [...byKey.values()]
    .sort((a, b) => b.self - a.self || frameKey(a.frame).localeCompare(frameKey(b.frame)))
    .slice(0, limit)
    .map((r) => ({ ...r, ofAll: share(r.self, folded.samples), ofBusy: share(r.self, busy) }));
}

/**
 * Functions by inclusive samples (their own and their callees'), each sample counted once per
 * function however often the function recurs on its stack; only frames `keep` accepts.
 */
export function topTotal(folded: FoldedProfile, keep: (frame: Frame) => boolean, limit = 10): { frame: Frame; total: number; ofBusy: number }[] {
  const sums = new Map<string, { frame: Frame; total: number }>();
  const walk = (n: StackNode, onPath: Set<string>) => {
    const key = frameKey(n.frame);
    const added = n !== folded.root && keep(n.frame) && !onPath.has(key);
    if (added) {
      onPath.add(key);
      const row = sums.get(key) ?? { frame: n.frame, total: 0 };
      row.total += n.total;
      sums.set(key, row);
    }
    // A function already on the path got this subtree's samples where it first appeared.
    for (const c of n.children) walk(c, onPath);
    if (added) onPath.delete(key);
  };
  walk(folded.root, new Set());
  const busy = folded.samples - folded.special['(idle)'];
  return [...sums.values()]
    .sort((a, b) => b.total - a.total || frameKey(a.frame).localeCompare(frameKey(b.frame)))
    .slice(0, limit)
    .map((r) => ({ ...r, ofBusy: share(r.total, busy) }));
}

/** True for a frame of this workspace's own code (libs, apps, tools), not npm packages or node. */
export const isOurs = (frame: Frame): boolean => frame.file !== '' && !frame.file.startsWith('node:') && !frame.file.includes('node_modules/') && !frame.file.startsWith('/');

/** Where a script comes from: an npm package, node's internals, V8, or a path of ours (up to its second folder). */
export function origin(file: string): string {
  if (file === '') return '(V8)';
  if (file.startsWith('node:')) return 'node internals';
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? file);
  }
  const parts = file.replace(/^dist\/image\//, '').split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : file;
}

/** Self samples summed by origin (npm package, node internals, our libs and apps); `(idle)` left out. */
export function selfByOrigin(folded: FoldedProfile, limit = 10): { origin: string; self: number; ofBusy: number }[] {
  const sums = new Map<string, number>();
  const visit = (n: StackNode) => {
    if (n !== folded.root && n.self > 0 && !(n.frame.name === '(idle)' && n.frame.file === '')) {
      const special = (SPECIAL as readonly string[]).includes(n.frame.name);
      const key = n.frame.file === '' ? (special ? n.frame.name : '(native code: socket writes, builtins)') : origin(n.frame.file);
      sums.set(key, (sums.get(key) ?? 0) + n.self);
    }
    n.children.forEach(visit);
  };
  visit(folded.root);
  const busy = folded.samples - folded.special['(idle)'];
  return [...sums.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([o, self]) => ({ origin: o, self, ofBusy: share(self, busy) }));
}

const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const cell = (s: string): string => s.replace(/\|/g, '\\|');

export const frameLabel = (f: Frame): string => (f.file ? `${f.name} (${f.file}${f.line ? `:${f.line}` : ''})` : f.name);

/** The markdown summary: shares of idle, GC and program, the top functions by self time, and self time by origin. */
export function markdownSummary(folded: FoldedProfile, title: string, limit = 15): string {
  const busy = folded.samples - folded.special['(idle)'];
  const lines = [
    `### ${title}`,
    '',
    `${folded.samples} samples in ${folded.profiles} profile${folded.profiles === 1 ? '' : 's'} (${(folded.wallMs / 1000).toFixed(1)} s): ` +
      `(idle) ${pct(share(folded.special['(idle)'], folded.samples))}, ` +
      `(garbage collector) ${pct(share(folded.special['(garbage collector)'], folded.samples))}, ` +
      `(program) ${pct(share(folded.special['(program)'], folded.samples))} of all samples; busy ${busy}.`,
    '',
    '| # | function | self | % of all | % of busy |',
    '|---|---|---:|---:|---:|',
    ...topSelf(folded, limit).map((r, i) => `| ${i + 1} | ${cell(frameLabel(r.frame))} | ${r.self} | ${pct(r.ofAll)} | ${pct(r.ofBusy)} |`),
    '',
    '| our function (inclusive: with its callees) | total | % of busy |',
    '|---|---:|---:|',
    ...topTotal(folded, isOurs).map((r) => `| ${cell(frameLabel(r.frame))} | ${r.total} | ${pct(r.ofBusy)} |`),
    '',
    '| origin (self time) | self | % of busy |',
    '|---|---:|---:|',
    ...selfByOrigin(folded).map((r) => `| ${cell(r.origin)} | ${r.self} | ${pct(r.ofBusy)} |`),
    '',
  ];
  return lines.join('\n');
}
