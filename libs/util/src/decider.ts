/**
 * An aggregate as three pure functions (the Decider pattern): what state a new stream starts from,
 * which events a command produces in a given state, and how an event changes the state.
 * `decide` refuses a command by throwing a {@link DomainError}; it returns [] when the command is
 * already satisfied (an idempotent repeat). Neither function reads a clock or makes an id: those
 * arrive inside the command.
 */
export interface Decider<Command, Event, State> {
  initialState(): State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

/** Folds events into a state with a decider's evolve. */
export function replay<C, E, S>(decider: Decider<C, E, S>, events: Iterable<E>, from: S = decider.initialState()): S {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
