// A flame graph of a folded profile as a self-contained SVG: the root at the bottom, each stack
// a rectangle as wide as the samples taken in it and below it, callees stacked above their callers.
// `(idle)` is left out (its share is in the subtitle), so the width is the busy time.
import { frameLabel, origin, type FoldedProfile, type StackNode } from './cpuprofile';

const WIDTH = 1200;
const ROW = 17;
const PAD = 10;
const HEADER = 44;
const CHAR = 6.2; // average glyph width of 11 px monospace, for deciding what text fits
const MIN_WIDTH = 0.3;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967295;
}

/** Our code warm, npm packages orange-yellow, node internals and V8 grey-blue, GC purple. */
function colour(node: StackNode): string {
  const { file, name } = node.frame;
  const v = hash(`${name}${file}`);
  if (file === '') return name === '(garbage collector)' ? 'rgb(170,120,210)' : `rgb(${150 + Math.round(30 * v)},${160 + Math.round(30 * v)},${190 + Math.round(30 * v)})`;
  if (file.startsWith('node:')) return `rgb(${110 + Math.round(40 * v)},${170 + Math.round(40 * v)},${200 + Math.round(30 * v)})`;
  if (file.includes('node_modules/')) return `rgb(${225 + Math.round(30 * v)},${150 + Math.round(60 * v)},${40 + Math.round(30 * v)})`;
  return `rgb(${220 + Math.round(35 * v)},${80 + Math.round(60 * v)},${60 + Math.round(30 * v)})`;
}

function depthOf(node: StackNode, skip: (n: StackNode) => boolean): number {
  let d = 0;
  for (const c of node.children) if (!skip(c)) d = Math.max(d, depthOf(c, skip));
  return d + 1;
}

export function flameGraphSvg(folded: FoldedProfile, title: string): string {
  const isIdle = (n: StackNode) => n.frame.name === '(idle)' && n.frame.file === '';
  const idle = folded.special['(idle)'];
  const busy = folded.samples - idle;
  const depth = depthOf(folded.root, isIdle);
  const height = HEADER + depth * ROW + PAD * 2;
  const scale = busy > 0 ? (WIDTH - 2 * PAD) / busy : 0;
  const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)} %` : '0 %');
  const rects: string[] = [];
  const draw = (node: StackNode, x: number, level: number) => {
    const w = (node.total - (node === folded.root ? idle : 0)) * scale;
    if (w < MIN_WIDTH) return;
    const y = height - PAD - (level + 1) * ROW;
    const label = node === folded.root ? `all busy samples` : frameLabel(node.frame);
    const samples = node === folded.root ? busy : node.total;
    const tip = `${label}\n${samples} samples, ${pct(samples, busy)} of busy (self ${node.self})${node.frame.file ? `\n${origin(node.frame.file)}` : ''}`;
    const fits = Math.floor((w - 6) / CHAR);
    const text = fits >= 3 ? (label.length <= fits ? label : `${label.slice(0, fits - 2)}..`) : '';
    rects.push(
      `<g><title>${esc(tip)}</title><rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${ROW - 1}" rx="2" fill="${node === folded.root ? 'rgb(200,200,200)' : colour(node)}"/>` +
        (text ? `<text x="${(x + 3).toFixed(2)}" y="${y + ROW - 5}">${esc(text)}</text>` : '') +
        '</g>',
    );
    let cx = x;
    for (const child of node.children) {
      if (isIdle(child)) continue;
      draw(child, cx, level + 1);
      cx += child.total * scale;
    }
  };
  draw(folded.root, PAD, 0);
  const subtitle =
    `${folded.samples} samples (${(folded.wallMs / 1000).toFixed(1)} s) in ${folded.profiles} profile${folded.profiles === 1 ? '' : 's'}; ` +
    `(idle) ${pct(idle, folded.samples)} left out, width = busy samples (${busy}); ` +
    `GC ${pct(folded.special['(garbage collector)'], folded.samples)}, (program) ${pct(folded.special['(program)'], folded.samples)}. Hover for names, files and counts.`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="ui-monospace,Menlo,Consolas,monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fdfdf8"/>`,
    `<text x="${PAD}" y="18" font-size="14" font-family="sans-serif" font-weight="bold">${esc(title)}</text>`,
    `<text x="${PAD}" y="35" font-size="11" font-family="sans-serif" fill="#444">${esc(subtitle)}</text>`,
    ...rects,
    '</svg>',
    '',
  ].join('\n');
}
