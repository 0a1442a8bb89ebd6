import { Partitioners, type PartitionMetadata } from 'kafkajs';

const javaCompatible = Partitioners.DefaultPartitioner();
const metadataCache = new Map<number, PartitionMetadata[]>();

function metadataFor(partitions: number): PartitionMetadata[] {
  let metadata = metadataCache.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    metadataCache.set(partitions, metadata);
  }
  return metadata;
}

/**
 * The partition Kafka's Java client would choose for a key: murmur2 of the key's UTF-8 bytes,
 * made positive, modulo the partition count (kafkajs' default partitioner, used here directly so
 * the event store can record the partition at append time and consumers in any language agree).
 */
export function partitionForKey(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partition count must be a positive integer, got ${partitions}`);
  return javaCompatible({ topic: '', partitionMetadata: metadataFor(partitions), message: { key, value: null } });
}
