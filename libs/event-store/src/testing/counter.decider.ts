import { assertNever, DomainError, type Decider } from '@eventide/util';

/** A tiny aggregate for the store's own tests: a counter that remembers every step. */
export type CounterCommand = { type: 'Increment'; by: number; times?: number } | { type: 'Noop' } | { type: 'Refuse' };
export type CounterEvent = { type: 'Incremented'; data: { by: number } };
export interface CounterState {
  count: number;
  /** Every step in order, so a replay that skips, repeats or reorders an event shows. */
  steps: number[];
}

export const counterDecider: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: () => ({ count: 0, steps: [] }),
  decide(command) {
    switch (command.type) {
      case 'Increment':
        return Array.from({ length: command.times ?? 1 }, () => ({ type: 'Incremented', data: { by: command.by } }));
      case 'Noop':
        return [];
      case 'Refuse':
        throw new DomainError('business-rule', 'the counter refuses', 'refused');
      default:
        return assertNever(command, 'command');
    }
  },
  evolve: (state, event) => ({ count: state.count + event.data.by, steps: [...state.steps, event.data.by] }),
};
