import { z } from 'zod';
import { activityProjection, instanceActivity } from '../../projections/activity.js';
import { listQuestions, questionsProjection } from '../../projections/questions.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';
import { defineOperation } from './operation.js';

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
    const [tasks, activity, questions] = await app.runtime.currentMany([tasksProjection, activityProjection, questionsProjection]);
    const now = app.clock();
    const board = taskBoard(tasks.state, now);
    const instances = instanceActivity(activity.state, now).map((i) => ({
      instanceId: i.instanceId,
      role: i.role,
      left: i.left,
      lastSeen: i.lastSeen,
      holds: board.filter((t) => t.status === 'claimed' && t.owner === i.instanceId).map((t) => ({ taskId: t.taskId, title: t.title, leaseRemainingMs: t.leaseRemainingMs })),
    }));
    return {
      now: now.toISOString(),
      position: tasks.position > activity.position ? tasks.position : activity.position,
      instances,
      claimed: board.filter((t) => t.status === 'claimed'),
      stale: board.filter((t) => t.stale),
      open: board.filter((t) => t.status === 'open'),
      questions: listQuestions(questions.state, { status: 'open' }),
    };
  },
});
