import type { HealthOptions } from './options.js';
import type { HealthRecord } from './record.js';

/** What every signal reads: the window's records, sorted out once for all of them. */
export interface SignalWindow {
  /** Every record in the window, in log order. */
  records: HealthRecord[];
  findings: HealthRecord[];
  syntheses: HealthRecord[];
  messages: HealthRecord[];
  /** Findings and syntheses. */
  discoveries: number;
  /** Records that say what an instance works on (findings and claims), per instance, in log order. */
  topicsByInstance: Map<string, HealthRecord[]>;
  options: HealthOptions;
}

/** A signal as one module computes it; the report adds its status and formats the evidence. */
export interface SignalValue {
  name: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
  threshold: { watch: number; warning: number | null };
  /** False when the window holds too little to judge; true when omitted. */
  judged?: boolean;
  explanation: string;
  evidence: HealthRecord[];
}

export type Signal = (window: SignalWindow) => SignalValue;

/** A thing counted, as one and as many: "1 message", "2 messages". */
export type Noun = readonly [one: string, many: string];

const tooLittle = ([one, many]: Noun, n: number, min: number): string => `too little activity to judge (${n} ${n === 1 ? one : many} in the window, fewer than ${min})`;

/** Judged only with at least `min` of `what` in the window; below that, the explanation says so. */
export const atLeast = (what: Noun, n: number, min: number, explain: () => string): Pick<SignalValue, 'judged' | 'explanation'> =>
  n >= min ? { judged: true, explanation: explain() } : { judged: false, explanation: tooLittle(what, n, min) };

export const round = (x: number): number => Math.round(x * 100) / 100;

export const byPosition = (a: HealthRecord, b: HealthRecord): number => (a.position < b.position ? -1 : 1);

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
