import { Partitioners, type IHeaders, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';

/** Why a message went to the dead-letter topic. */
export type DeadLetterKind =
  /** The projection could not apply it after bounded retries. */
  | 'failed'
  /** An earlier event of its aggregate is parked, so it waits too. */
  | 'held'
  /** It is not an event envelope at all. */
  | 'undecodable';

export interface DeadLetter {
  kind: DeadLetterKind;
  reason: string;
  topic: string;
  partition: number;
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset' | 'timestamp'>;
}

/** `<prefix><family>.dlq`, e.g. `eventide.projector-mongo.dlq`. */
export function deadLetterTopic(family: string, prefix = process.env['KAFKA_TOPIC_PREFIX'] ?? 'eventide.'): string {
  return `${prefix}${family}.dlq`;
}

/**
 * Sends messages to a family's dead-letter topic with their original key, value and headers, plus
 * `dlq-*` headers saying why and where they came from. Idempotent producer, all in-sync replicas
 * acknowledge before the runtime commits past the original.
 */
export class DeadLetterPublisher {
  private producer: Producer | undefined;
  private connected: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    readonly family: string,
    readonly topic = deadLetterTopic(family),
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    // Created on the first dead letter: most replicas never need one, and nothing is set up (or
    // logged) while the service is still being assembled.
    this.producer ??= this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    const producer = this.producer;
    this.connected ??= producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map((l) => {
        const headers: IHeaders = {
          ...(l.message.headers ?? {}),
          'dlq-kind': l.kind,
          'dlq-reason': l.reason.slice(0, 2000),
          'dlq-family': this.family,
          'dlq-source-topic': l.topic,
          'dlq-source-partition': String(l.partition),
          'dlq-source-offset': l.message.offset,
          'dlq-at': new Date().toISOString(),
        };
        return { key: l.message.key, value: l.message.value, headers };
      }),
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer?.disconnect().catch(() => undefined);
    this.connected = undefined;
  }
}
