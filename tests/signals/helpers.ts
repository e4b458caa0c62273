import { eventLog, type EventLog, type MetaOptions } from '../projections/fixtures.js';

/** Texts that say the same thing in overlapping words (lexically detectable), and fillers that do not. */
export const BUSY_A = 'Without a busy_timeout, a second SQLite writer gets SQLITE_BUSY immediately instead of waiting for the lock.';
export const BUSY_B = 'Concurrent SQLite writers fail at once with SQLITE_BUSY unless the connection sets a busy timeout to wait for the lock.';
export const BUSY_C = 'SQLite returns SQLITE_BUSY to a second writer straight away when no busy timeout is set; waiting for the lock needs one.';
export const FILLERS = [
  'Ecosystems with several species performing the same function recover faster after a disturbance.',
  'Pair work halves throughput in the short term but spreads knowledge of the codebase.',
  'Profiling replay shows most of the time goes into parsing event payloads from JSON.',
  'Modular power grids stop a local outage from spreading into a cascading blackout.',
  'Putting the entire log into the prompt degrades answers; a short summary works better.',
];

/** A log where the given instances have joined with their roles. */
export function joined(roles: Record<string, string>): EventLog {
  const log = eventLog();
  for (const [instanceId, role] of Object.entries(roles)) log.add('InstanceJoined', { instanceId, role });
  return log;
}

export interface FindingSpec {
  cites?: string[];
  topic?: string;
  tags?: string[];
  seenUpTo?: bigint;
  embedding?: { model: string; vector: number[] };
  meta?: MetaOptions;
}

export function addFinding(log: EventLog, findingId: string, by: string, summary: string, spec: FindingSpec = {}): EventLog {
  return log.add(
    'FindingRecorded',
    {
      findingId,
      by,
      summary,
      tags: spec.tags ?? [],
      cites: spec.cites ?? [],
      ...(spec.topic ? { topic: spec.topic } : {}),
      ...(spec.embedding ? { embedding: spec.embedding } : {}),
    },
    { seenUpTo: spec.seenUpTo ?? 0n, ...spec.meta },
  );
}

/** Adds the fillers, each by its own instance, so IDF has something to work with. */
export function withFillers(log: EventLog): EventLog {
  FILLERS.forEach((text, i) => addFinding(log, `filler-${i}`, `filler-author-${i}`, text));
  return log;
}
