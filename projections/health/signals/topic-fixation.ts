import { HEALTH_THRESHOLDS } from '../thresholds.js';
import { groupBy, type Signal } from '../window.js';

/** Instances whose current unbroken run on one topic spans the fixation time (4 hours by default) or more. */
export const topicFixation: Signal = ({ topicsByInstance, options }) => {
  const fixationMs = options.fixationMs ?? 4 * 3600 * 1000;
  const runs = [...topicsByInstance.values()].flatMap((rs) => {
    const last = rs[rs.length - 1]!;
    let first = last;
    for (let i = rs.length - 2; i >= 0 && rs[i]!.topic === last.topic; i--) first = rs[i]!;
    return last.at - first.at >= fixationMs ? [{ topic: last.topic!, first, last }] : [];
  });
  const stuck = groupBy(runs, (r) => r.topic);
  const [topic, fixed] = [...stuck].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))[0] ?? ['', []];
  const hours = fixationMs / 3600_000;
  return {
    name: 'topic-fixation',
    value: fixed.length,
    unit: `instances on one topic for ${hours} h or more`,
    better: 'lower',
    threshold: HEALTH_THRESHOLDS.topicFixation,
    explanation: fixed.length
      ? `${fixed.length} instance(s) on "${topic}" without a break for ${hours} h or more: ${fixed.map((r) => r.last.instanceId).join(', ')}`
      : `no instance has stayed on one topic for ${hours} h`,
    evidence: fixed.flatMap((r) => [r.first, r.last]),
  };
};
