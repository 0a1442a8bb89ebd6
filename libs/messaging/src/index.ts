export { partitionForKey } from './partitioner';
export { kafkaSettingsFromEnv, createKafka, kafkaEnv, type KafkaSettings } from './kafka-config';
export { topicFor, consumerGroupFor, ensureTopics, type TopicReport } from './topics';
export { toKafkaMessage, fromKafkaMessage, UndecodableMessageError, type EventEnvelope } from './event-envelope';
export { MongoLease } from './lease';
export { OutboxPublisher, type Outbox, type PendingCommit, type PublisherOptions } from './outbox-publisher';
export { prepareTopics, keepTrying } from './prepare-topics';
export { contextFrom } from './trace-context';
