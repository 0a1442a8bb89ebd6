/** A mistake in the command line: reported with a pointer to `eventide help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** The `eventide help` text: every command with a one-line description, and the environment. */
export const usage = `usage: eventide <command> [arguments] [options]

Commands:
  status [family] [--json]                    projection status: generations, consumer group, lag per partition, parked streams
  rebuild <family> [--json]                   rebuild a family's read models into a new generation and switch to it, without downtime
  reset <family> --to earliest|latest|<ISO-8601>
                                              move the family's consumer group offsets (only while no replica runs)
  dlq list <family> [--json] [--limit N]      list the family's parked (dead-lettered) streams
  dlq replay <family> <stream-key>|--all [--json]
                                              replay parked streams from the event store; exit 1 if any still fails
  dlq skip <family> <stream-key> [--json]     skip a parked stream's failed event, then replay the rest of it
  stream <tenant> <aggregateType> <aggregateId> [--json] [--from N] [--to N]
                                              show a stream's events from the event store (--json: full events)
  trace <trace-id> [--file F] [--json]        a request's span tree across services (local stack: .infra/traces.jsonl)
  help                                        show this text

Families: projector-mongo, projector-redis. A stream key is <tenant>|<aggregateType>|<aggregateId>
(quote it in the shell). --json prints one JSON document on stdout.

Environment:
  MONGO_URL              MongoDB connection string (every command)
  MONGO_DB               database name (default: eventide)
  KAFKA_BROKERS          comma-separated brokers (status, rebuild, reset)
  KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE,
  KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
                         secured Kafka clusters (TLS with a private CA or client certificate, SASL)
  KAFKA_TOPIC_PREFIX     topic prefix (default: eventide.)
  KAFKA_GROUP_PREFIX     consumer group prefix (default: eventide.)
  REDIS_URL              Redis connection string (projector-redis: rebuild, dlq replay/skip)

Exit codes: 0 success, 1 operational failure, 2 usage error.
`;
