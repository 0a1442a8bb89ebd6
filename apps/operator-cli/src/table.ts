/** A table cell: numbers are right-aligned, everything else left-aligned; null/undefined print as `-`. */
export type Cell = string | number | boolean | null | undefined;

const text = (cell: Cell): string => (cell === null || cell === undefined || cell === '' ? '-' : String(cell));

/**
 * Formats rows as an aligned plain-text table under an upper-case header, columns two spaces
 * apart. A column whose cells are all numbers (or empty, with at least one number) is right-aligned. Ends with a newline.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = rows.map((row) => header.map((_, i) => text(row[i])));
  const numeric = header.map((_, i) => rows.some((row) => typeof row[i] === 'number') && rows.every((row) => row[i] === null || row[i] === undefined || typeof row[i] === 'number'));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** Formats label/value pairs as aligned `label  value` lines, indented by `indent` spaces. */
export function formatPairs(pairs: readonly (readonly [string, Cell])[], indent = 2): string {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${' '.repeat(indent)}${label.padEnd(width)}  ${text(value)}`.trimEnd()).join('\n') + '\n';
}

/** Shortens `value` to at most `max` characters, ending with `…` when cut; newlines become spaces. */
export function truncate(value: string, max: number): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}
