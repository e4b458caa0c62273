import type { StoredEvent } from '../../events/index.js';

/**
 * What is new for one instance since its last sync: the Tachikoma "daily sync". Its own
 * events are left out; messages count only when they reach it (directly, its role, or all).
 * It is read in log order, like an unread inbox, and stops once it holds what one answer
 * should (`DigestBound`): `upTo` is then the last event it covered, so a sync records having
 * seen only what it showed (convergence takes a sync as having seen everything up to it), and
 * the next sync goes on from there.
 */
export interface Digest {
  from: bigint;
  /** The last event this digest covers: everything after `from` up to it. */
  upTo: bigint;
  /** Events after `upTo` were left for the next sync. */
  more: boolean;
  counts: Record<string, number>;
  joined: { instanceId: string; role: string }[];
  tasks: { taskId: string; change: string; by: string; title?: string; position: bigint }[];
  questions: { questionId: string; text: string; by: string }[];
  findings: { findingId: string; by: string; role: string; summary: string; topic?: string; position: bigint }[];
  messages: { messageId: string; from: string; to: string; body: string; position: bigint }[];
  syntheses: { synthesisId: string; by: string; summary: string; integrates: string[] }[];
}

const TASK_CHANGES: Partial<Record<StoredEvent['type'], string>> = {
  TaskProposed: 'proposed',
  TaskClaimed: 'claimed',
  ClaimReleased: 'released',
  TaskCompleted: 'completed',
  TaskAbandoned: 'abandoned',
};

/** What one digest holds at most: items listed, and the characters of their texts. */
export interface DigestBound {
  items: number;
  chars: number;
}

/** A digest built one event at a time, in log order, until it holds what its bound allows. */
export class DigestBuilder {
  readonly digest: Digest;
  private items = 0;
  private chars = 0;

  constructor(
    private readonly me: { instanceId: string; role: string },
    from: bigint,
    private readonly bound: DigestBound = { items: Infinity, chars: Infinity },
  ) {
    this.digest = { from, upTo: from, more: false, counts: {}, joined: [], tasks: [], questions: [], findings: [], messages: [], syntheses: [] };
  }

  /** Takes the next event; false, leaving it out and marking `more`, when the digest is full. */
  add(event: StoredEvent): boolean {
    const item = itemOf(this.me, event);
    if (item !== undefined && this.items > 0 && (this.items + 1 > this.bound.items || this.chars + item.chars > this.bound.chars)) {
      this.digest.more = true;
      return false;
    }
    this.digest.upTo = event.position;
    if (!isNews(this.me, event)) return true;
    this.digest.counts[event.type] = (this.digest.counts[event.type] ?? 0) + 1;
    if (item !== undefined) {
      item.add(this.digest);
      this.items++;
      this.chars += item.chars;
    }
    return true;
  }
}

/** Its own events are not news to an instance, and neither are records of what reads showed. */
const isNews = (me: { instanceId: string }, event: StoredEvent): boolean => event.metadata.instanceId !== me.instanceId && event.type !== 'ContentShown';

/** What an event lists in `me`'s digest, and the characters of its text; undefined when it is only counted, or not news. */
function itemOf(me: { instanceId: string; role: string }, event: StoredEvent): { chars: number; add(digest: Digest): void } | undefined {
  if (!isNews(me, event)) return undefined;
  const author = event.metadata.instanceId;
  const item = (chars: number, add: (digest: Digest) => void) => ({ chars, add });
  switch (event.type) {
    case 'InstanceJoined': {
      const { instanceId, role } = event.data;
      return item(0, (d) => d.joined.push({ instanceId, role }));
    }
    case 'TaskProposed': {
      const { taskId, title } = event.data;
      return item(title.length, (d) => d.tasks.push({ taskId, change: 'proposed', by: author, title, position: event.position }));
    }
    case 'TaskClaimed':
    case 'ClaimReleased':
    case 'TaskCompleted':
    case 'TaskAbandoned': {
      const { taskId } = event.data;
      const change = TASK_CHANGES[event.type]!;
      return item(0, (d) => d.tasks.push({ taskId, change, by: author, position: event.position }));
    }
    case 'QuestionPosed': {
      const { questionId, text } = event.data;
      return item(text.length, (d) => d.questions.push({ questionId, text, by: author }));
    }
    case 'FindingRecorded': {
      const { findingId, summary, topic } = event.data;
      return item(summary.length, (d) => d.findings.push({ findingId, by: author, role: event.metadata.role, summary, topic, position: event.position }));
    }
    case 'MessagePosted': {
      const { messageId, from, to, body } = event.data;
      if (to !== 'all' && to !== me.instanceId && to !== `role:${me.role}`) return undefined;
      return item(body.length, (d) => d.messages.push({ messageId, from, to, body, position: event.position }));
    }
    case 'SynthesisPublished': {
      const { synthesisId, summary, integrates } = event.data;
      return item(summary.length, (d) => d.syntheses.push({ synthesisId, by: author, summary, integrates }));
    }
    default:
      return undefined;
  }
}
