import { type Decider, isDomainError } from '@eventide/util';

/** A command, or a function that builds one from the current state (e.g. "pay the current total"). */
export type CommandStep<Command, State> = Command | ((state: State) => Command);

/** What a run of commands produced. */
export interface CommandRun<Event, State> {
  state: State;
  events: Event[];
  refused: number;
}

/**
 * Feeds commands through decide and evolve the way a command handler would, skipping those the
 * decider refuses with a DomainError; any other error escapes and fails the test. `check` sees
 * the state and all events so far after every accepted command.
 */
export function runCommands<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  steps: Iterable<CommandStep<Command, State>>,
  check: (state: State, events: readonly Event[]) => void = () => undefined,
): CommandRun<Event, State> {
  const run: CommandRun<Event, State> = { state: decider.initialState(), events: [], refused: 0 };
  for (const step of steps) {
    const command = typeof step === 'function' ? (step as (state: State) => Command)(run.state) : step;
    let decided: Event[];
    try {
      decided = decider.decide(command, run.state);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      run.refused += 1;
      continue;
    }
    for (const event of decided) {
      const before = JSON.stringify(run.state);
      const next = decider.evolve(run.state, event);
      if (JSON.stringify(run.state) !== before) throw new Error(`evolve mutated the previous state on ${JSON.stringify(event)}`);
      run.state = next;
      run.events.push(event);
    }
    check(run.state, run.events);
  }
  return run;
}
