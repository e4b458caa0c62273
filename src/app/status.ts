import { z } from 'zod';
import { activityProjection, instanceActivity } from '../../projections/activity.js';
import { listQuestions, questionsProjection } from '../../projections/questions.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';
import { defineOperation } from './operation.js';
import { findingsProjection, listFindings } from '../../projections/findings.js';
import { inboxProjection } from '../../projections/inbox.js';
import { coordinatorSuggestions } from '../signals/suggestions.js';
import { convergenceProjection } from '../../projections/convergence.js';
import { unjudgedCandidates } from '../../projections/convergence-report.js';

/** Suggestions compare recent findings pairwise across instances: keep that bounded. */
const RECENT_FINDINGS = 300;

/**
 * The coordinator's view: who holds what, which leases went stale, what is open, which
 * questions are being worked on. Visibility, not control: it suggests, it never assigns.
 */
export const status = defineOperation({
  name: 'status',
  summary: "The coordinator's board: who holds what, stale leases, open tasks, questions",
  input: z.strictObject({}),
  writes: false,
  async run(app) {
    const [tasks, activity, questions, findings, inbox, convergence] = await app.runtime.currentMany([
      tasksProjection,
      activityProjection,
      questionsProjection,
      findingsProjection,
      inboxProjection,
      convergenceProjection,
    ]);
    const now = app.clock();
    const board = taskBoard(tasks.state, now);
    const instances = instanceActivity(activity.state, now).map((i) => ({
      instanceId: i.instanceId,
      role: i.role,
      left: i.left,
      lastSeen: i.lastSeen,
      holds: board.filter((t) => t.status === 'claimed' && t.owner === i.instanceId).map((t) => ({ taskId: t.taskId, title: t.title, leaseRemainingMs: t.leaseRemainingMs })),
    }));
    const suggestions = coordinatorSuggestions({
      findings: listFindings(findings.state)
        .slice(-RECENT_FINDINGS)
        .map((f) => ({ findingId: f.findingId, by: f.by, summary: f.summary, topic: f.topic ?? undefined })),
      messages: inbox.state.messages.map((m) => ({ from: m.from, to: m.to })),
      claims: board
        .filter((t) => t.status === 'claimed' && t.owner)
        .map((t) => ({ taskId: t.taskId, title: t.title, description: t.description ?? undefined, tags: t.tags, owner: t.owner! })),
      roles: Object.fromEntries(Object.values(activity.state.instances).map((i) => [i.instanceId, i.role])),
    });
    return {
      now: now.toISOString(),
      position: tasks.position > activity.position ? tasks.position : activity.position,
      instances,
      claimed: board.filter((t) => t.status === 'claimed'),
      stale: board.filter((t) => t.stale),
      open: board.filter((t) => t.status === 'open'),
      questions: listQuestions(questions.state, { status: 'open' }),
      suggestions,
      // Candidates no agent has judged: the reflector's to confirm or reject (`cairn judge`).
      unjudged: unjudgedCandidates(convergence.state),
    };
  },
});
