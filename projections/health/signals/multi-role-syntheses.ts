import { HEALTH_THRESHOLDS } from '../thresholds.js';
import { atLeast, type Signal } from '../window.js';

/** Syntheses that integrate findings from two or more roles. */
export const multiRoleSyntheses: Signal = ({ findings, syntheses }) => {
  const T = HEALTH_THRESHOLDS.multiRoleSyntheses;
  const multiRole = syntheses.filter((s) => (s.roles ?? []).length >= 2);
  return {
    name: 'multi-role-syntheses',
    value: multiRole.length,
    unit: 'syntheses integrating 2+ roles',
    better: 'higher',
    threshold: { watch: T.watch, warning: T.warning },
    ...atLeast(['finding', 'findings'], findings.length, T.minFindings, () => `${multiRole.length} of ${syntheses.length} syntheses integrate findings from two or more roles (${findings.length} findings in the window)`),
    evidence: multiRole,
  };
};
