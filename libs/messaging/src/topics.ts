import type { Admin } from 'kafkajs';

/** One topic per aggregate type: `<prefix><aggregateType>.events`, e.g. `eventide.product.events`. */
export function topicFor(aggregateType: string, prefix = process.env['KAFKA_TOPIC_PREFIX'] ?? 'eventide.'): string {
  return `${prefix}${aggregateType}.events`;
}

/** A consumer group's id: `<prefix><name>`, e.g. `eventide.projector-mongo` or `eventide.order-fulfilment`. */
export function consumerGroupFor(name: string, prefix = process.env['KAFKA_GROUP_PREFIX'] ?? 'eventide.'): string {
  return `${prefix}${name}`;
}

export interface TopicReport {
  topic: string;
  created: boolean;
  partitions: number;
  /** Set when an existing topic has another partition count than configured. */
  mismatch?: string;
}

/**
 * Creates each aggregate type's topic with the configured partition count when it is missing, and
 * reports (never silently changes) an existing topic whose partition count differs: adding
 * partitions moves keys to other partitions, which an operator must decide to do.
 */
export async function ensureTopics(admin: Admin, topics: string[], partitions: number, replicationFactor = -1): Promise<TopicReport[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin
      .createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })) })
      .catch((error: unknown) => {
        // Another replica may have created it between our list and create.
        if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
      });
  }
  const metadata = await admin.fetchTopicMetadata({ topics });
  return metadata.topics.map((t) => {
    const report: TopicReport = { topic: t.name, created: missing.includes(t.name), partitions: t.partitions.length };
    if (t.partitions.length !== partitions) report.mismatch = `has ${t.partitions.length} partitions, configured ${partitions}`;
    return report;
  });
}
