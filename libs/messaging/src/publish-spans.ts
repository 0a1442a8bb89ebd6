import { SpanKind, trace } from '@opentelemetry/api';
import type { PendingCommit } from './outbox-publisher';
import { contextFrom } from './trace-context';

/** When a batch's stages ended, in epoch milliseconds. */
export interface BatchTimes {
  /** Before the outbox was read. */
  startedAt: number;
  /** The pending commits were read. */
  foundAt: number;
  /** The Kafka transaction committed: the events are visible to consumers. */
  committedAt: number;
}

/**
 * Records one span per published commit, from the time its events occurred to the Kafka commit that
 * made them visible, as a child of the trace its first event carries. A command's trace then shows
 * how long its events took to reach Kafka, split into the wait for a batch, reading the outbox and
 * the Kafka transaction (attributes). With no tracing SDK registered these are no-ops.
 */
export function recordPublishSpans(commits: readonly PendingCommit[], times: BatchTimes): void {
  const tracer = trace.getTracer('eventide-publisher');
  for (const commit of commits) {
    const first = commit.events[0]?.metadata;
    if (!first?.traceparent) continue;
    const occurredAt = Math.min(new Date(first.timestamp).getTime() || times.startedAt, times.startedAt);
    const span = tracer.startSpan(
      `publish ${first.aggregateType}`,
      {
        kind: SpanKind.PRODUCER,
        startTime: occurredAt,
        attributes: {
          'eventide.aggregate': first.aggregateId,
          'eventide.version': first.version,
          'eventide.events': commit.events.length,
          'eventide.batch_commits': commits.length,
          'eventide.waited_ms': times.startedAt - occurredAt,
          'eventide.find_ms': times.foundAt - times.startedAt,
          'eventide.send_ms': times.committedAt - times.foundAt,
        },
      },
      contextFrom(first),
    );
    span.end(times.committedAt);
  }
}
