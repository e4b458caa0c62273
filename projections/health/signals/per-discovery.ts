import type { EventType } from '../../../events/index.js';
import type { HealthRecord } from '../record.js';
import { HEALTH_THRESHOLDS } from '../thresholds.js';
import { atLeast, round, type Noun, type Signal, type SignalValue, type SignalWindow } from '../window.js';

const COORDINATION: ReadonlySet<EventType> = new Set<EventType>(['TaskProposed', 'TaskClaimed', 'ClaimReleased', 'TaskAbandoned', 'InstanceSynced', 'MessagePosted']);

/** A count of overhead per finding or synthesis: judged once there are at least `min` of them. */
function perDiscovery(
  { discoveries }: SignalWindow,
  spec: { name: string; unit: string; records: HealthRecord[]; threshold: { watch: number; warning: number; min: number }; what: Noun; describe: string },
): SignalValue {
  const { watch, warning, min } = spec.threshold;
  return {
    name: spec.name,
    value: round(spec.records.length / Math.max(1, discoveries)),
    unit: spec.unit,
    better: 'lower',
    threshold: { watch, warning },
    ...atLeast(spec.what, spec.records.length, min, () => `${spec.records.length} ${spec.describe} for ${discoveries} findings and syntheses`),
    evidence: spec.records,
  };
}

/** Proposals, claims, releases, syncs and messages per discovery. */
export const coordinationPerFinding: Signal = (window) => {
  const T = HEALTH_THRESHOLDS.coordinationPerFinding;
  return perDiscovery(window, {
    name: 'coordination-per-finding',
    unit: 'coordination events per finding or synthesis',
    records: window.records.filter((r) => COORDINATION.has(r.type)),
    threshold: { watch: T.watch, warning: T.warning, min: T.minEvents },
    what: ['coordination event', 'coordination events'],
    describe: 'proposals, claims, releases, syncs and messages',
  });
};

/** Messages per discovery. */
export const messagesPerFinding: Signal = (window) => {
  const T = HEALTH_THRESHOLDS.messagesPerFinding;
  return perDiscovery(window, {
    name: 'messages-per-finding',
    unit: 'messages per finding or synthesis',
    records: window.messages,
    threshold: { watch: T.watch, warning: T.warning, min: T.minMessages },
    what: ['message', 'messages'],
    describe: 'messages',
  });
};
