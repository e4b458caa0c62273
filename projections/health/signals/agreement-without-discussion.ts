import { HEALTH_THRESHOLDS } from '../thresholds.js';
import { atLeast, byPosition, round, type Signal } from '../window.js';

/** The share of opinionated messages that only agree, against those that question, object or offer another way. */
export const agreementWithoutDiscussion: Signal = ({ messages }) => {
  const T = HEALTH_THRESHOLDS.agreementWithoutDiscussion;
  const agreements = messages.filter((m) => m.stance === 'agree');
  const challenges = messages.filter((m) => m.stance === 'challenge');
  return {
    name: 'agreement-without-discussion',
    value: round(agreements.length / Math.max(1, agreements.length + challenges.length)),
    unit: 'share of opinionated messages that only agree',
    better: 'lower',
    threshold: { watch: T.watch, warning: T.warning },
    ...atLeast(['agreeing message', 'agreeing messages'], agreements.length, T.minAgreements, () => `${agreements.length} messages agree and ${challenges.length} question, object or offer an alternative`),
    evidence: [...agreements, ...challenges].sort(byPosition),
  };
};
