import { assertNever, DomainError, type Decider } from '@eventide/util';

/** A tiny aggregate for the store's own tests: a counter that remembers every step. */
export type CounterCommand =
  | { type: 'Increment'; by: number; times?: number }
  | { type: 'Noop' }
  | { type: 'Refuse' }
  /** Takes `by` away; refused when the count is below it. */
  | { type: 'Take'; by: number }
  /** Sets the count; nothing to do when it is already there. */
  | { type: 'Set'; to: number };
export type CounterEvent = { type: 'Incremented'; data: { by: number } };
export interface CounterState {
  count: number;
  /** Every step in order, so a replay that skips, repeats or reorders an event shows. */
  steps: number[];
}

export const counterDecider: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: () => ({ count: 0, steps: [] }),
  decide(command, state) {
    switch (command.type) {
      case 'Increment':
        return Array.from({ length: command.times ?? 1 }, () => ({ type: 'Incremented', data: { by: command.by } }));
      case 'Noop':
        return [];
      case 'Refuse':
        throw new DomainError('business-rule', 'the counter refuses', 'refused');
      case 'Take':
        if (state.count < command.by) throw new DomainError('business-rule', 'the count is too low', 'too-low');
        return [{ type: 'Incremented', data: { by: -command.by } }];
      case 'Set':
        return command.to === state.count ? [] : [{ type: 'Incremented', data: { by: command.to - state.count } }];
      default:
        return assertNever(command, 'command');
    }
  },
  evolve: (state, event) => ({ count: state.count + event.data.by, steps: [...state.steps, event.data.by] }),
};
