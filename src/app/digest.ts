import type { StoredEvent } from '../../events/index.js';

/**
 * What is new for one instance since its last sync: the Tachikoma "daily sync". Its own
 * events are left out; messages count only when they reach it (directly, its role, or all).
 */
export interface Digest {
  from: bigint;
  upTo: bigint;
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

export function digestFor(me: { instanceId: string; role: string }, from: bigint, events: Iterable<StoredEvent>): Digest {
  const digest: Digest = { from, upTo: from, counts: {}, joined: [], tasks: [], questions: [], findings: [], messages: [], syntheses: [] };
  for (const event of events) {
    digest.upTo = event.position;
    const author = event.metadata.instanceId;
    // Its own events are not news, and neither are records of what reads showed.
    if (author === me.instanceId || event.type === 'ContentShown') continue;
    digest.counts[event.type] = (digest.counts[event.type] ?? 0) + 1;
    switch (event.type) {
      case 'InstanceJoined':
        digest.joined.push({ instanceId: event.data.instanceId, role: event.data.role });
        break;
      case 'TaskProposed':
        digest.tasks.push({ taskId: event.data.taskId, change: 'proposed', by: author, title: event.data.title, position: event.position });
        break;
      case 'TaskClaimed':
      case 'ClaimReleased':
      case 'TaskCompleted':
      case 'TaskAbandoned':
        digest.tasks.push({ taskId: event.data.taskId, change: TASK_CHANGES[event.type]!, by: author, position: event.position });
        break;
      case 'QuestionPosed':
        digest.questions.push({ questionId: event.data.questionId, text: event.data.text, by: author });
        break;
      case 'FindingRecorded':
        digest.findings.push({
          findingId: event.data.findingId,
          by: author,
          role: event.metadata.role,
          summary: event.data.summary,
          topic: event.data.topic,
          position: event.position,
        });
        break;
      case 'MessagePosted': {
        const to = event.data.to;
        if (to === 'all' || to === me.instanceId || to === `role:${me.role}`) {
          digest.messages.push({ messageId: event.data.messageId, from: event.data.from, to, body: event.data.body, position: event.position });
        }
        break;
      }
      case 'SynthesisPublished':
        digest.syntheses.push({ synthesisId: event.data.synthesisId, by: author, summary: event.data.summary, integrates: event.data.integrates });
        break;
      default:
        break;
    }
  }
  return digest;
}
