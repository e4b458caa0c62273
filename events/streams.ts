import type { CairnEvent } from './catalog.js';
import { ANONYMOUS } from './exposure.js';

/**
 * Stream names carry their category before the first "-", so projections (and KurrentDB's
 * `$ce-` streams) can select them: instance-<id>, task-<id>, question-<id>, finding-<id>,
 * message-<id>, synthesis-<id>; exposure-<instance> holds what reads showed an instance
 * (exposure-anonymous, reads without an identity); judgment-<earlier>~<later> the judgments
 * of one candidate convergence ("~" never occurs in an id);
 * invitation-<id> one invitation to join over HTTP.
 */
export const STREAM_CATEGORIES = ['instance', 'task', 'question', 'finding', 'message', 'synthesis', 'exposure', 'judgment', 'invitation'] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

export const streamName = (category: StreamCategory, id: string): string => `${category}-${id}`;

export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}

/** The stream an event belongs to, derived from its own data. */
export function streamOf(event: CairnEvent): string {
  switch (event.type) {
    case 'InstanceJoined':
    case 'RoleChanged':
    case 'InstanceLeft':
    case 'InstanceSynced':
    case 'InboxRead':
      return streamName('instance', event.data.instanceId);
    case 'TaskProposed':
    case 'TaskClaimed':
    case 'ClaimRenewed':
    case 'ClaimReleased':
    case 'TaskCompleted':
    case 'TaskAbandoned':
      return streamName('task', event.data.taskId);
    case 'QuestionPosed':
    case 'QuestionClosed':
      return streamName('question', event.data.questionId);
    case 'FindingRecorded':
      return streamName('finding', event.data.findingId);
    case 'MessagePosted':
      return streamName('message', event.data.messageId);
    case 'SynthesisPublished':
      return streamName('synthesis', event.data.synthesisId);
    case 'ContentShown':
      return streamName('exposure', event.data.instanceId ?? ANONYMOUS);
    case 'ConvergenceJudged':
      return judgmentStream(event.data.earlier, event.data.later);
    case 'InvitationIssued':
    case 'InvitationAccepted':
      return streamName('invitation', event.data.invitationId);
  }
}

/** The stream of one candidate convergence's judgments. */
export const judgmentStream = (earlier: string, later: string): string => streamName('judgment', `${earlier}~${later}`);
