/** Progress lines on stderr, prefixed by the server they concern, so stdout stays clean for `env`. */
export interface Progress {
  info(message: string): void;
  warn(message: string): void;
}

const colour = process.stderr.isTTY && !process.env['NO_COLOR'];
const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);

export function progressFor(label: string): Progress {
  const prefix = paint(36, `[${label}]`);
  return {
    info: (message) => process.stderr.write(`${prefix} ${message}\n`),
    warn: (message) => process.stderr.write(`${prefix} ${paint(33, message)}\n`),
  };
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
