import type { EventOf } from '../../events/index.js';
import { refuse, type Actor, type Decider } from './decider.js';

/** A judgment of one candidate convergence, with what the command needs to know about the pair. */
export interface JudgeCommand {
  type: 'judge';
  actor: Actor;
  earlier: { findingId: string; by: string };
  later: { findingId: string; by: string };
  verdict: 'same' | 'different';
  reason: string;
}

export type JudgmentEvent = EventOf<'ConvergenceJudged'>;

/** Each judge's latest verdict and reason on this pair. */
export interface JudgmentState {
  latest: Record<string, { verdict: 'same' | 'different'; reason: string }>;
}

/**
 * Only an instance that wrote neither finding may judge: an author cannot validate its own
 * convergence. Judging again with another verdict or reason replaces the earlier judgment;
 * the same judgment twice appends nothing, so an agent may retry.
 */
export const judgmentDecider: Decider<JudgeCommand, JudgmentEvent, JudgmentState> = {
  initialState: () => ({ latest: Object.create(null) as JudgmentState['latest'] }),

  decide({ actor, earlier, later, verdict, reason }, state) {
    for (const f of [earlier, later]) {
      if (f.by === actor.instanceId) refuse('own_finding', `${actor.instanceId} wrote ${f.findingId}: only an instance that wrote neither finding may judge them`);
    }
    const mine = state.latest[actor.instanceId];
    if (mine && mine.verdict === verdict && mine.reason === reason) return [];
    return [{ type: 'ConvergenceJudged', data: { earlier: earlier.findingId, later: later.findingId, by: actor.instanceId, verdict, reason } }];
  },

  evolve: (state, event) => ({ latest: { ...state.latest, [event.data.by]: { verdict: event.data.verdict, reason: event.data.reason } } }),
};
