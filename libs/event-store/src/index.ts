export type {
  AppendContext,
  Commit,
  CommitDoc,
  EventMetadata,
  NewEvent,
  StoredEvent,
  StoredEventDoc,
  StreamRef,
} from './event-store.types';
export {
  MongoEventStore,
  type AppendOptions,
  type AppendResult,
  type MongoEventStoreOptions,
  type ReadAllOptions,
  type ReadStreamOptions,
} from './mongo-event-store';
export type { FindPendingOptions, PendingStats } from './pending-commits';
export { EventSchemaRegistry, type EventSchemaDefinition, type Upcaster } from './event-schema.registry';
export {
  ConcurrencyError,
  DuplicateCommandError,
  StoreUnavailableError,
  isConcurrencyError,
  isDuplicateCommand,
  isStoreUnavailable,
  translateStoreError,
} from './event-store.errors';
export { SnapshotStore, type Snapshot, type SnapshotDoc, type SnapshotStoreOptions } from './snapshot.store';
export {
  AggregateRepository,
  type AggregateRepositoryOptions,
  type HandleOptions,
  type HandleResult,
  type LoadedAggregate,
  type LoadOptions,
  type TypedEvent,
} from './aggregate.repository';
export { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry-backoff';
export { commitId, snapshotId, streamKey } from './stream-key';
export type { StreamReadStrategy } from './stream-readers';
export { toCommitDoc, toStoredEvents, type CommitDocInput } from './commit.mapper';
