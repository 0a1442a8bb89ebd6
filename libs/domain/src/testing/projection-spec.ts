import { type DocumentProjection, type ProjectedEvent, type RedisProjection, type RedisWrite } from '@eventide/util';

/** The outcome half of a document projection specification. */
export interface DocumentThen<D> {
  /** Asserts the document after the event, and that the previous document was not mutated. */
  then(expected: D | null): void;
  /** Asserts that the projection reports the event as one it cannot apply. */
  thenThrows(message?: string | RegExp): void;
}

/** Folds `events` from no document, the way the runtime would. */
export function foldDocument<D extends object>(projection: DocumentProjection<D>, events: readonly ProjectedEvent[]): D | null {
  return events.reduce<D | null>((doc, event) => projection.evolve(doc, event), null);
}

/**
 * Given/when/then over a document projection:
 * `givenEvents(productDetails, [created]).when(restocked).then({ ... })`. Unit specs only (uses Jest's expect).
 */
export function givenEvents<D extends object>(projection: DocumentProjection<D>, events: readonly ProjectedEvent[]) {
  return {
    when(event: ProjectedEvent): DocumentThen<D> {
      const doc = foldDocument(projection, events);
      return {
        then(expected) {
          const before = JSON.stringify(doc);
          expect(projection.evolve(doc, event)).toEqual(expected);
          expect(JSON.stringify(doc)).toBe(before);
        },
        thenThrows(message) {
          expect(() => projection.evolve(doc, event)).toThrow(message);
        },
      };
    },
  };
}

/** The outcome half of a Redis projection specification. */
export interface RedisThen {
  /** Asserts exactly these writes, in this order (`[]` for none). */
  thenWrites(expected: RedisWrite[]): void;
  /** Asserts that the projection reports the event as one it cannot apply. */
  thenThrows(message?: string | RegExp): void;
}

/** When/then over a Redis projection: `whenApplied(stockLevels, restocked).thenWrites([...])`. */
export function whenApplied(projection: RedisProjection, event: ProjectedEvent): RedisThen {
  return {
    thenWrites(expected) {
      expect(projection.apply(event)).toEqual(expected);
    },
    thenThrows(message) {
      expect(() => projection.apply(event)).toThrow(message);
    },
  };
}
