import type { EventMetadata, StoredEvent } from '@eventide/event-store';

/** One event of an audit trail, as stored (money in minor units). */
export interface HistoryEvent {
  type: string;
  version: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/** A stored event as the history shows it: nothing added, nothing converted. */
export function toHistoryEvent(event: StoredEvent): HistoryEvent {
  return { type: event.type, version: event.version, data: event.data, metadata: event.metadata };
}
