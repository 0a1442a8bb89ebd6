import type { PairResult } from './runner';

/** Escapes text for SVG/XML content and attributes. */
export const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A number in at most 3 significant digits, thousands as integers: 12345 -> "12345", 0.1234 -> "0.123". */
export function short(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toString();
  return Number(n.toPrecision(3)).toString();
}

const WIDTH = 760;
const LABEL = 250;
const BAR_AREA = WIDTH - LABEL - 110;
const BAR = 14;
const COLORS = { ours: '#2563eb', baseline: '#9ca3af', goal: '#dc2626', p99: '#1e3a8a', baseP99: '#4b5563' };

function frame(height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${xml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function legend(y: number, items: [string, string][]): string[] {
  return items.map(([color, label], i) => `<rect x="${LABEL + i * 150}" y="${y - 10}" width="12" height="12" fill="${color}"/><text x="${LABEL + i * 150 + 16}" y="${y}">${xml(label)}</text>`);
}

/**
 * Horizontal bars of ours against the baseline for every measured pair of a group, each pair on its
 * own scale (units differ between pairs), with the ratio and the goal as a red line: for a rate the
 * least ours must reach, for a latency or size the most it may be.
 */
export function groupChart(group: string, results: readonly PairResult[]): string {
  const measured = results.filter((r) => r.status === 'ok' && r.ours && r.baseline);
  const block = 2 * BAR + 30;
  const body: string[] = legend(42, [
    [COLORS.ours, 'ours (median)'],
    [COLORS.baseline, 'baseline (median)'],
    [COLORS.goal, 'goal'],
  ]);
  measured.forEach((r, i) => {
    const top = 60 + i * block;
    const ours = r.ours?.median ?? 0;
    const base = r.baseline?.median ?? 0;
    const goalValue = r.goal === undefined ? undefined : r.higherIsBetter ? r.goal * base : base / r.goal;
    const scale = Math.max(ours, base, goalValue ?? 0) || 1;
    const w = (v: number) => Math.max(1, (v / scale) * BAR_AREA);
    body.push(`<text x="10" y="${top + BAR}">${xml(r.title.length > 38 ? `${r.title.slice(0, 37)}…` : r.title)}</text>`);
    body.push(`<text x="10" y="${top + 2 * BAR + 4}" fill="#555">${xml(`ratio ${short(r.ratio ?? Number.NaN)}${r.goal === undefined ? '' : ` (goal ${r.goal})`}`)}</text>`);
    body.push(`<rect x="${LABEL}" y="${top}" width="${w(ours).toFixed(1)}" height="${BAR}" fill="${COLORS.ours}"/>`);
    body.push(`<text x="${(LABEL + w(ours) + 4).toFixed(1)}" y="${top + BAR - 3}">${xml(`${short(ours)} ${r.unit}`)}</text>`);
    body.push(`<rect x="${LABEL}" y="${top + BAR + 2}" width="${w(base).toFixed(1)}" height="${BAR}" fill="${COLORS.baseline}"/>`);
    body.push(`<text x="${(LABEL + w(base) + 4).toFixed(1)}" y="${top + 2 * BAR - 1}">${xml(`${short(base)} ${r.unit}`)}</text>`);
    if (goalValue !== undefined) {
      const x = (LABEL + w(goalValue)).toFixed(1);
      body.push(`<line x1="${x}" y1="${top - 3}" x2="${x}" y2="${top + 2 * BAR + 5}" stroke="${COLORS.goal}" stroke-width="2" stroke-dasharray="4 2"/>`);
    }
  });
  if (measured.length === 0) body.push('<text x="10" y="70">no measurement succeeded</text>');
  return frame(70 + Math.max(1, measured.length) * block, `${group}: ours vs baseline`, body);
}

/** p50 and p99 latency of ours and the baseline, for every pair that measured latency. */
export function latencyChart(results: readonly PairResult[]): string {
  const measured = results.filter((r) => r.status === 'ok' && r.ours?.latency && r.baseline?.latency);
  const block = 4 * BAR + 34;
  const body: string[] = legend(42, [
    [COLORS.ours, 'ours p50'],
    [COLORS.p99, 'ours p99'],
    [COLORS.baseline, 'baseline p50'],
    [COLORS.baseP99, 'baseline p99'],
  ]);
  measured.forEach((r, i) => {
    const top = 60 + i * block;
    const o = r.ours?.latency ?? { p50: 0, p99: 0 };
    const b = r.baseline?.latency ?? { p50: 0, p99: 0 };
    const scale = Math.max(o.p99, b.p99, o.p50, b.p50) || 1;
    body.push(`<text x="10" y="${top + BAR}">${xml(r.title.length > 38 ? `${r.title.slice(0, 37)}…` : r.title)}</text>`);
    const bars: [number, string, string][] = [
      [o.p50, COLORS.ours, 'p50'],
      [o.p99, COLORS.p99, 'p99'],
      [b.p50, COLORS.baseline, 'p50'],
      [b.p99, COLORS.baseP99, 'p99'],
    ];
    bars.forEach(([value, color, label], j) => {
      const y = top + j * (BAR + 2);
      const width = Math.max(1, (value / scale) * BAR_AREA);
      body.push(`<rect x="${LABEL}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${color}"/>`);
      body.push(`<text x="${(LABEL + width + 4).toFixed(1)}" y="${y + BAR - 3}">${xml(`${label} ${short(value)} ms`)}</text>`);
    });
  });
  if (measured.length === 0) body.push('<text x="10" y="70">no pair measured latency</text>');
  return frame(70 + Math.max(1, measured.length) * block, 'latency per operation (ms, lower is better)', body);
}
