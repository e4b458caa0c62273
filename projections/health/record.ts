import type { EventType, StoredEvent } from '../../events/index.js';
import { asksPermission, stanceOf, type Stance } from '../../src/signals/speech.js';
import { parseAt } from './at.js';
import { boundedMemo } from '../../src/memo.js';

/**
 * What health keeps of an event: a compact record per event a signal reads, and the evidence
 * line it shows, formatted only when a report quotes it.
 */

/**
 * One event as the signals need it. The evidence line is formatted at query time
 * (`summaryOf`) from the few raw fields kept here: the fold stays cheap.
 */
export interface HealthRecord {
  position: bigint;
  eventId: string;
  type: EventType;
  /** Epoch milliseconds of metadata.at. */
  at: number;
  instanceId: string;
  /** For evidence: who acted (finding: the finding id; synthesis: the synthesis id). */
  who: string;
  /** For evidence: what on (task id, message recipient, sync position). */
  what?: string;
  /** For evidence: text cut to 100 characters (see `cut`), whitespace not yet collapsed. */
  text?: string;
  /** The stream whose text the evidence shows: a read of it is recorded as shown (src/app/exposure.ts). */
  stream?: string;
  /** Syntheses: how many findings they integrate. */
  count?: number;
  /** What the instance is working on (findings and claims), normalised. */
  topic?: string;
  /** Syntheses: distinct roles of the findings they integrate. */
  roles?: string[];
  /** Messages: asks a coordinator for permission. */
  permission?: boolean;
  stance?: Stance;
}

const normaliseTopic = (s: string | undefined): string | undefined => s?.trim().toLowerCase().replace(/\s+/g, ' ') || undefined;

// Topics repeat.
const topicMemo = boundedMemo(normaliseTopic, 4096);
const topicOf = (s: string | undefined): string | undefined => (s === undefined ? undefined : topicMemo(s));

/** The first part of `clip`: the fold keeps this; the query collapses whitespace (`clip` = `cut` then collapse). */
const cut = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const collapse = (s: string) => s.replace(/\s+/g, ' ');

/** What a record reads beyond its event: the fold's maps here, the tables in src/readstore/health.ts. */
export interface HealthLookups {
  /** Latest role of an instance, as its events carry it. */
  roleOf(instance: string): string | undefined;
  findingRole(findingId: string): string | undefined;
  taskTopic(taskId: string): string | undefined;
}

/** A task's topic: its first tag, else its title. */
export const taskTopicOf = (tags: readonly string[], title: string): string | undefined => topicOf(tags[0] ?? title);

/** The record a signal reads of an event, if any. */
export function recordOf(lookups: HealthLookups, event: StoredEvent): HealthRecord | undefined {
  let who: string;
  let what: string | undefined;
  let text: string | undefined;
  let topic: string | undefined;
  switch (event.type) {
    case 'FindingRecorded': {
      const d = event.data;
      who = d.findingId;
      text = cut(d.summary);
      topic = topicOf(d.topic ?? d.tags[0] ?? d.questionId);
      break;
    }
    case 'SynthesisPublished':
      who = event.data.synthesisId;
      break;
    case 'MessagePosted':
      who = event.data.from;
      what = event.data.to;
      text = cut(event.data.body);
      break;
    case 'TaskClaimed':
      who = event.data.owner;
      what = event.data.taskId;
      topic = lookups.taskTopic(event.data.taskId);
      break;
    case 'TaskProposed':
      who = event.data.proposedBy;
      what = event.data.taskId;
      text = cut(event.data.title);
      break;
    case 'ClaimReleased':
      who = event.data.owner;
      what = event.data.taskId;
      break;
    case 'TaskAbandoned':
      who = event.data.by;
      what = event.data.taskId;
      break;
    case 'InstanceSynced':
      who = event.data.instanceId;
      what = event.data.upTo;
      break;
    default:
      return undefined;
  }
  const { metadata } = event;
  const record: HealthRecord = { position: event.position, eventId: metadata.eventId, type: event.type, at: parseAt(metadata.at), instanceId: metadata.instanceId, who };
  if (what !== undefined) record.what = what;
  if (text !== undefined) {
    record.text = text;
    record.stream = event.streamName;
  }
  if (topic) record.topic = topic;
  if (event.type === 'SynthesisPublished') {
    const integrates = event.data.integrates;
    const roles: string[] = [];
    for (const f of integrates) {
      const r = lookups.findingRole(f);
      if (r && !roles.includes(r)) roles.push(r);
    }
    record.roles = roles.sort();
    record.count = integrates.length;
  } else if (event.type === 'MessagePosted') {
    const { to, body } = event.data;
    // Only messages to a coordinator can ask permission: the patterns run on those alone.
    if ((to === 'role:coordinator' || lookups.roleOf(to) === 'coordinator') && asksPermission(body)) record.permission = true;
    const stance = stanceOf(body);
    if (stance) record.stance = stance;
  }
  return record;
}

/** The evidence line of a record (what the fold used to store as `summary`). */
export function summaryOf(r: HealthRecord): string {
  switch (r.type) {
    case 'FindingRecorded':
      return `finding ${r.who}${r.topic ? ` on ${r.topic}` : ''}: ${collapse(r.text!)}`;
    case 'SynthesisPublished': {
      const roles = r.roles ?? [];
      return `synthesis ${r.who} integrating ${r.count} findings from ${roles.join(', ') || 'no known role'}`;
    }
    case 'MessagePosted':
      return `${r.who} → ${r.what}: ${collapse(r.text!)}`;
    case 'TaskClaimed':
      return `${r.who} claimed ${r.what}`;
    case 'TaskProposed':
      return `${r.who} proposed ${r.what}: ${collapse(r.text!)}`;
    case 'ClaimReleased':
      return `${r.who} released ${r.what}`;
    case 'TaskAbandoned':
      return `${r.who} abandoned ${r.what}`;
    case 'InstanceSynced':
      return `${r.who} synced to ${r.what}`;
    default:
      return r.type;
  }
}
