import { Counter, Gauge, Histogram, register } from 'prom-client';

function metric<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

/** The runtime's Prometheus metrics, registered once per process whatever the number of consumers. */
export const projectionMetrics = {
  events: metric(
    'projection_events_total',
    () => new Counter({ name: 'projection_events_total', help: 'Events handled by projection consumers, by outcome (applied, duplicate, held, failed, undecodable)', labelNames: ['group', 'outcome'] }),
  ),
  gapFills: metric('projection_gap_fills_total', () => new Counter({ name: 'projection_gap_fills_total', help: 'Version gaps filled from the event store', labelNames: ['group'] })),
  deadLetters: metric('projection_dead_letters_total', () => new Counter({ name: 'projection_dead_letters_total', help: 'Messages sent to the dead-letter topic, by kind', labelNames: ['group', 'kind'] })),
  parked: metric('projection_parked_streams', () => new Gauge({ name: 'projection_parked_streams', help: 'Aggregates currently parked', labelNames: ['group'] })),
  lag: metric('projection_consumer_lag', () => new Gauge({ name: 'projection_consumer_lag', help: 'Messages between the committed position and the partition end', labelNames: ['group', 'topic', 'partition'] })),
  position: metric('projection_position', () => new Gauge({ name: 'projection_position', help: 'Next offset to consume (committed) per partition', labelNames: ['group', 'topic', 'partition'] })),
  batchSeconds: metric(
    'projection_batch_seconds',
    () => new Histogram({ name: 'projection_batch_seconds', help: 'Time to apply and commit one chunk', labelNames: ['group'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] }),
  ),
  retries: metric('projection_infrastructure_retries_total', () => new Counter({ name: 'projection_infrastructure_retries_total', help: 'Chunks retried because a server failed', labelNames: ['group'] })),
};
