/**
 * A decider (Jérémie Chassaing's pattern, as in Emmett): `decide` turns a command and the
 * current state into new events, or refuses with a DomainError; `evolve` folds events into
 * state. Both are pure: the command carries the time (`now`) and the actor.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}
