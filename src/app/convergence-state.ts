import { convergenceProjection, type ConvergenceState } from '../../projections/convergence.js';
import { unjudgedCandidates } from '../../projections/convergence-report.js';
import type { Current } from '../runtime/runtime.js';
import type { App } from './app.js';

/**
 * The convergence fold holds every finding's features: too much to load for a glance at the
 * board. Whenever an operation folds it (find, judge, convergence, health, advise), the
 * candidates awaiting a judgment are noted in the tables, and the board and the reflector's
 * inbox show that note, saying as of which position.
 */
export async function currentConvergence(app: App): Promise<Current<ConvergenceState>> {
  const current = await app.runtime.current(convergenceProjection);
  await noteUnjudged(app, current);
  return current;
}

export async function noteUnjudged(app: App, current: Current<ConvergenceState>): Promise<void> {
  (await app.tables()).note('unjudged', { asOf: current.position, ...unjudgedCandidates(current.state) });
}
