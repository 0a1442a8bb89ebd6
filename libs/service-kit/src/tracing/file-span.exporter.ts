import { appendFile } from 'node:fs/promises';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One finished span as a line of JSON, the format `eventide trace` reads. */
export interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: number;
  startMs: number;
  durationMs: number;
  status: number;
  attributes: Record<string, unknown>;
}

/**
 * Appends finished spans to a file, one JSON line each, so a developer can see a request's whole
 * span tree across services without running a tracing backend. Every service of the local stack
 * appends to the same file (lines are small; appends of one write each do not interleave).
 */
export class FileSpanExporter implements SpanExporter {
  constructor(private readonly path: string) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const lines = spans.map((s) => {
      const line: SpanLine = {
        traceId: s.spanContext().traceId,
        spanId: s.spanContext().spanId,
        name: s.name,
        service: String(s.resource.attributes['service.name'] ?? 'unknown'),
        kind: s.kind,
        startMs: hrTimeToMilliseconds(s.startTime),
        durationMs: hrTimeToMilliseconds(s.duration),
        status: s.status.code,
        attributes: { ...s.attributes },
      };
      const parent = s.parentSpanContext?.spanId;
      if (parent) line.parentSpanId = parent;
      return JSON.stringify(line);
    });
    appendFile(this.path, `${lines.join('\n')}\n`).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
