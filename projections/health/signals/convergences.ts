import { HEALTH_THRESHOLDS } from '../thresholds.js';
import { atLeast, type Signal } from '../window.js';

/** Clusters of findings reached independently, with an independent pair whose later finding falls in the window. */
export const convergences: Signal = ({ findings, options }) => {
  const T = HEALTH_THRESHOLDS.convergences;
  const converged = options.converged(new Set(findings.map((f) => f.position)));
  const findingAt = new Map(findings.map((f) => [f.position, f]));
  return {
    name: 'convergences',
    value: converged.length,
    unit: 'independent convergences',
    better: 'higher',
    threshold: { watch: T.watch, warning: T.warning },
    ...atLeast(['finding', 'findings'], findings.length, T.minFindings, () =>
      converged.length
        ? `${converged.length} cluster(s) of findings reached independently by ${converged.map((c) => c.roles.join('+')).join('; ')}`
        : `${findings.length} findings and no independent convergence: instances may be working with zero overlap`,
    ),
    evidence: converged.flatMap((c) => c.members.flatMap((m) => (m.independent && findingAt.get(m.position)) || [])),
  };
};
