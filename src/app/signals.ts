import { currentConvergence, noteUnjudged } from './convergence-state.js';
import { z } from 'zod';
import { nonEmptyText } from '../../events/index.js';
import { convergenceOptionsFromEnv, convergenceProjection, type ConvergenceOptions } from '../../projections/convergence.js';
import { boundedReport, convergenceClusters, matcherCalibration } from '../../projections/convergence-report.js';
import { findingsProjection, listFindings } from '../../projections/findings.js';
import { activityProjection } from '../../projections/activity.js';
import { healthProjection, healthReport } from '../../projections/health.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';
import { advise as adviseFrom } from '../signals/advise.js';
import { loadInstance } from '../domain/instance.js';
import { Duration } from './duration.js';
import { defineOperation } from './operation.js';

/** The signals no other tool gives: convergence, health and the decision framework. */

const Threshold = z.number().min(0).max(1);

/** Threshold from the input, else the environment (CAIRN_CONVERGENCE_THRESHOLD), else the default. */
export const convergenceOptions = (threshold?: number): ConvergenceOptions => ({
  ...convergenceOptionsFromEnv(process.env),
  ...(threshold === undefined ? {} : { threshold }),
});

/** Clusters of each kind shown by default (the most corroborated first), and members and links per cluster. */
const DEFAULT_CLUSTERS = 10;

export const convergence = defineOperation({
  name: 'convergence',
  summary: 'Findings that independently say the same thing (convergence), and those reached after seeing each other (echo)',
  input: z.strictObject({
    threshold: Threshold.optional(),
    limit: z.number().int().min(1).max(1_000).default(DEFAULT_CLUSTERS),
    all: z.boolean().default(false),
  }),
  writes: false,
  async run(app, input) {
    const { state, position } = await currentConvergence(app);
    const report = convergenceClusters(state, convergenceOptions(input.threshold));
    return { position, ...boundedReport(report, input.all ? Infinity : input.limit) };
  },
});

export const health = defineOperation({
  name: 'health',
  summary: "The philosophy's success and warning signals over a window, each good, watch or warning, with the events behind it",
  input: z.strictObject({ window: Duration.default(24 * 3_600_000), threshold: Threshold.optional() }),
  writes: false,
  async run(app, input) {
    const [h, c] = await app.runtime.currentMany([healthProjection, convergenceProjection]);
    await noteUnjudged(app, c);
    const options = convergenceOptions(input.threshold);
    const report = healthReport(h.state, { now: app.clock(), windowMs: input.window, convergence: c.state, ...options });
    // The matcher held against agents' judgments: its precision on the candidates they judged.
    return { position: h.position, ...report, matcher: matcherCalibration(c.state, options) };
  },
});

/** Open and claimed tasks in the shape the decision framework reads. */
export function activeTasks(tasks: ReturnType<typeof tasksProjection.initialState>, roles: Record<string, { role: string }>, now: Date) {
  return taskBoard(tasks, now)
    .filter((t) => t.status === 'open' || t.status === 'claimed')
    .map((t) => ({
      taskId: t.taskId,
      title: t.title,
      description: t.description ?? undefined,
      tags: t.tags,
      status: t.status as 'open' | 'claimed',
      owner: t.owner ?? undefined,
      ownerRole: t.owner ? roles[t.owner]?.role : undefined,
    }));
}

export const advise = defineOperation({
  name: 'advise',
  summary: 'Should this work be coordinated or done independently? Applies the decision framework to the log',
  input: z.strictObject({ text: nonEmptyText(2_000), recent: z.number().int().min(1).max(5_000).default(200) }),
  writes: false,
  async run(app, input, caller) {
    const [tasks, findings, activity, conv] = await app.runtime.currentMany([tasksProjection, findingsProjection, activityProjection, convergenceProjection]);
    const role = caller.instanceId ? (await loadInstance(app.store, caller.instanceId)).state.role : undefined;
    const recent = listFindings(findings.state).slice(-input.recent);
    return adviseFrom(
      input.text,
      {
        tasks: activeTasks(tasks.state, activity.state.instances, app.clock()),
        findings: recent.map((f) => ({ findingId: f.findingId, summary: f.summary, by: f.by, role: f.role, topic: f.topic ?? undefined })),
      },
      { as: caller.instanceId, role, corpus: conv.state.index.corpus },
    );
  },
});
