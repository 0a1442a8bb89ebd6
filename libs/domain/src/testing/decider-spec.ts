import { type Decider, type ErrorCode, DomainError, replay } from '@eventide/util';

/** The outcome half of a specification: what the command must produce. */
export interface DeciderThen<Event> {
  /** Asserts the exact events decided (`[]` for an idempotent repeat) and that they evolve cleanly. */
  then(expected: Event[]): void;
  /** Asserts a {@link DomainError} with this code and reason; returns it for checks of its details. */
  thenThrows(code: ErrorCode, reason: string): DomainError;
}

/**
 * Given/when/then over a decider, after Emmett's DeciderSpecification:
 * `spec.given([created]).when(reserve).then([reserved])`. For unit specs only (uses Jest's expect).
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given: (events: Event[]) => ({
      when: (command: Command): DeciderThen<Event> => {
        const state = replay(decider, events);
        return {
          then(expected) {
            const actual = decider.decide(command, state);
            expect(actual).toEqual(expected);
            expect(() => replay(decider, actual, state)).not.toThrow();
          },
          thenThrows(code, reason) {
            let outcome: unknown;
            try {
              outcome = { decided: decider.decide(command, state) };
            } catch (error) {
              outcome = error;
            }
            expect(outcome).toBeInstanceOf(DomainError);
            const error = outcome as DomainError;
            expect({ code: error.code, reason: error.reason }).toEqual({ code, reason });
            return error;
          },
        };
      },
    }),
  };
}
