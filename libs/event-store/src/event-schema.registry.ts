/** Turns the data of one schema version of an event type into the data of the next version. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** The current schema version of one event type and how to bring older versions up to it. */
export interface EventSchemaDefinition {
  /** Current schema version (from 1). New events of this type are stored under it. */
  version: number;
  /** `upcasters[n]` turns version n into version n + 1; one for each version below the current one. */
  upcasters?: Record<number, Upcaster>;
}

/**
 * Schema versions of event types (G10). Events are stored as written; every read upcasts events
 * stored under an older version step by step to the current one. Unknown types, and events from a
 * version newer than this process knows, pass through unchanged.
 */
export class EventSchemaRegistry {
  private readonly definitions: ReadonlyMap<string, Required<EventSchemaDefinition>>;

  /** Throws a TypeError when a version is not a positive integer or an upcaster is missing. */
  constructor(definitions: Record<string, EventSchemaDefinition> = {}) {
    const map = new Map<string, Required<EventSchemaDefinition>>();
    for (const [type, definition] of Object.entries(definitions)) {
      const { version, upcasters = {} } = definition;
      if (!Number.isSafeInteger(version) || version < 1) throw new TypeError(`schema version of ${type} must be a positive integer`);
      for (let from = 1; from < version; from++) {
        if (typeof upcasters[from] !== 'function') throw new TypeError(`${type} needs an upcaster from version ${from} to ${from + 1}`);
      }
      map.set(type, { version, upcasters });
    }
    this.definitions = map;
  }

  /** The version new events of `type` are stored under (1 for an unregistered type). */
  currentVersion(type: string): number {
    return this.definitions.get(type)?.version ?? 1;
  }

  /** Brings data stored under `schemaVersion` up to the current version of `type`. */
  upcast(type: string, schemaVersion: number, data: Record<string, unknown>): { schemaVersion: number; data: Record<string, unknown> } {
    const definition = this.definitions.get(type);
    if (!definition || schemaVersion >= definition.version) return { schemaVersion, data };
    let current = data;
    for (let from = Math.max(1, schemaVersion); from < definition.version; from++) {
      const step = definition.upcasters[from];
      if (!step) throw new TypeError(`${type} has no upcaster from version ${from}`);
      current = step(current);
    }
    return { schemaVersion: definition.version, data: current };
  }
}
