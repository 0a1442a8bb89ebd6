/** Turns one schema version of an event's data into the next. */
export type DataUpcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * The schema history of the domain's events, for the event store's registry: each type's current
 * version and how data stored under an older one becomes the current shape. Stored events are
 * never rewritten; they are upcast whenever they are read.
 */
export const eventSchemas: Record<string, { version: number; upcasters?: Record<number, DataUpcaster> }> = {
  // v1 (before descriptions existed) had no `description`.
  ProductCreated: { version: 2, upcasters: { 1: (data) => ({ description: '', ...data }) } },
};
