import { DomainError } from '../errors.js';

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

/** Who issues a command: rules such as "only the owner or a coordinator" depend on both. */
export interface Actor {
  instanceId: string;
  role: string;
}

/** Stable `DomainError.code`s: entry points print them and agents branch on them. */
export type RefusalCode =
  | 'already_exists'
  | 'unknown_task'
  | 'already_claimed'
  | 'not_owner'
  | 'task_closed'
  | 'unknown_question'
  | 'question_closed'
  | 'not_joined'
  | 'not_a_candidate'
  | 'own_finding'
  | 'invalid_invitation'
  | 'invitation_spent'
  | 'invitation_expired'
  | 'invitation_role'
  | 'invitation_instance';

/** Refuses a command; typed `never` so it reads as a guard inside expressions. */
export function refuse(code: RefusalCode, message: string): never {
  throw new DomainError(message, code);
}

/** The state after `events`, from the decider's initial state. */
export function foldEvents<C, E, S>(decider: Decider<C, E, S>, events: Iterable<E>, state: S = decider.initialState()): S {
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
