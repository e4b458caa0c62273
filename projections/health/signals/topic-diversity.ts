import { HEALTH_THRESHOLDS } from '../thresholds.js';
import { atLeast, byPosition, round, type Signal } from '../window.js';

/** Normalised entropy of each active instance's dominant topic: do instances spread over the work? */
export const topicDiversity: Signal = ({ topicsByInstance }) => {
  const dominant = [...topicsByInstance.values()].map((rs) => {
    const counts = new Map<string, number>();
    for (const r of rs) counts.set(r.topic!, (counts.get(r.topic!) ?? 0) + 1);
    const top = Math.max(...counts.values());
    return [...rs].reverse().find((r) => counts.get(r.topic!) === top)!;
  });
  const topicCounts = new Map<string, number>();
  for (const r of dominant) topicCounts.set(r.topic!, (topicCounts.get(r.topic!) ?? 0) + 1);
  const entropy = [...topicCounts.values()].reduce((h, c) => h - (c / dominant.length) * Math.log2(c / dominant.length), 0);
  const diversity = dominant.length < 2 ? 1 : entropy / Math.log2(dominant.length);
  return {
    name: 'topic-diversity',
    value: round(diversity),
    unit: 'normalised entropy (0 all on one topic, 1 all different)',
    better: 'higher',
    threshold: HEALTH_THRESHOLDS.topicDiversity,
    ...atLeast(['instance with a topic', 'instances with a topic'], dominant.length, 2, () => `${dominant.length} instances, ${topicCounts.size} distinct main topics: ${[...topicCounts].map(([t, c]) => `${t} (${c})`).join(', ')}`),
    evidence: dominant.sort(byPosition),
  };
};
