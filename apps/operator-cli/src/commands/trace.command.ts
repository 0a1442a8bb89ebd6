import { readFile } from 'node:fs/promises';
import type { SpanLine } from '@eventide/service-kit';
import type { Invocation } from '../args';
import { printJson, type Io } from '../io';

type TraceArgs = Extract<Invocation, { command: 'trace' }>;

/** Renders spans as an indented tree under their parents, children in start order. */
export function renderTrace(spans: readonly SpanLine[]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, SpanLine[]>();
  const roots: SpanLine[] = [];
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    else roots.push(span);
  }
  const origin = Math.min(...spans.map((s) => s.startMs));
  const lines: string[] = [];
  const walk = (span: SpanLine, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? '' : last ? '└─ ' : '├─ ';
    const error = span.status === 2 ? '  ERROR' : '';
    lines.push(`${prefix}${branch}${span.name}  [${span.service}]  +${(span.startMs - origin).toFixed(1)} ms, ${span.durationMs.toFixed(1)} ms${error}`);
    const kids = children.get(span.spanId) ?? [];
    kids.forEach((kid, i) => walk(kid, depth === 0 ? prefix : `${prefix}${last ? '   ' : '│  '}`, i === kids.length - 1, depth + 1));
  };
  roots.forEach((root) => walk(root, '', true, 0));
  return `${lines.join('\n')}\n`;
}

/** `trace <trace-id> [--file F] [--json]`: a request's spans across services, from the local trace file. */
export async function traceCommand(args: TraceArgs, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const file = args.file ?? env['EVENTIDE_TRACE_FILE'] ?? '.infra/traces.jsonl';
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `no trace file at ${file}: start the stack with \`npm start\` (it records spans there) or pass --file` : error.message);
  });
  const spans = text
    .split('\n')
    .filter((line) => line.includes(args.traceId))
    .map((line) => JSON.parse(line) as SpanLine)
    .filter((s) => s.traceId === args.traceId);
  if (args.json) {
    printJson(io, { traceId: args.traceId, spans });
    return 0;
  }
  if (spans.length === 0) {
    io.err(`no spans of trace ${args.traceId} in ${file} (spans are written about half a second after they end)\n`);
    return 1;
  }
  io.out(renderTrace(spans));
  return 0;
}
