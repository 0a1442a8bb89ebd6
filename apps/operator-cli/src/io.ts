/** Where a command writes: results on stdout, progress and errors on stderr. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress may rewrite its line). */
  errIsTTY: boolean;
  /** Milliseconds clock, for rates (replaceable in tests). */
  now(): number;
}

/** The process's own streams. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
  now: () => Date.now(),
};

/** Writes `value` as one JSON document (pretty-printed, newline-terminated). */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
