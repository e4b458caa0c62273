import * as z from 'zod';
import { nonEmptyText } from '../../events/index.js';
import { convergenceOptionsFromEnv, type ConvergenceOptions } from '../../projections/convergence.js';
import type Database from 'better-sqlite3';
import { findingsPage, instanceRow, relatedActiveTasks } from '../readstore/queries.js';
import { calibration, convergedInTables, convergenceReport } from '../readstore/convergence-queries.js';
import { healthWindow } from '../readstore/health.js';
import type { ReadStore } from '../readstore/read-store.js';
import { healthReport } from '../../projections/health.js';
import { advise as adviseFrom } from '../signals/advise.js';
import { duration } from './duration.js';
import { defineOperation } from './operation.js';

/** The signals no other tool gives: convergence, health and the decision framework. */

const threshold = () => z.number().min(0).max(1);

/** Threshold from the input, else the environment (CAIRN_CONVERGENCE_THRESHOLD), else the default. */
export const convergenceOptions = (threshold?: number): ConvergenceOptions => ({
  ...convergenceOptionsFromEnv(process.env),
  ...(threshold === undefined ? {} : { threshold }),
});

/**
 * Clusters of each kind shown by default (the most corroborated first), and members and links
 * per cluster. On the month-shaped log at a million events 4 take 21 KB as JSON and 7.7 KB as
 * text; 10 took 93 KB and 33 KB, more than an agent's tool result should hold.
 */
const DEFAULT_CLUSTERS = 4;

export const convergence = defineOperation({
  name: 'convergence',
  summary: 'Findings that independently say the same thing (convergence), and those reached after seeing each other (echo)',
  input: () => z.strictObject({
    threshold: threshold().optional(),
    limit: z.number().int().min(1).max(1_000).default(DEFAULT_CLUSTERS),
    all: z.boolean().default(false),
  }),
  writes: false,
  async run(app, input) {
    const tables = await app.tables();
    return { position: tables.watermark(), ...convergenceReport(tables.db, input.all ? Infinity : input.limit, convergenceOptions(input.threshold)) };
  },
});

export const health = defineOperation({
  name: 'health',
  summary: "The philosophy's success and warning signals over a window, each good, watch or warning, with the events behind it",
  input: () => z.strictObject({ window: duration().default(24 * 3_600_000), threshold: threshold().optional() }),
  writes: false,
  async run(app, input) {
    const tables = await app.tables();
    const options = convergenceOptions(input.threshold);
    const report = healthNow(tables, app.clock(), input.window, options);
    const warnings = report.signals.filter((s) => s.status === 'warning').map((s) => ({ name: s.name, explanation: s.explanation }));
    const position = tables.watermark();
    tables.note('health', { asOf: position, window: report.window, status: report.status, warnings });
    // The matcher held against agents' judgments: its precision on the candidates they judged.
    return { position, ...report, matcher: calibration(tables.db, options) };
  },
});

/** Health over the window ending `now`, from the tables. */
export function healthNow(tables: ReadStore, now: Date, windowMs: number, options: ConvergenceOptions) {
  const window = healthWindow(tables.db, now.getTime() - windowMs, now.getTime());
  return healthReport(window, { now, windowMs, converged: convergedInTables(tables.db, options), ...options });
}

/** The open and claimed tasks related to `text`, in the shape the decision framework reads. */
export function relatedTasks(db: Database.Database, text: string, now: Date) {
  const roleOf = (id: string) => instanceRow(db, id)?.role;
  return relatedActiveTasks(db, text, now).map((t) => ({
    taskId: t.taskId,
    title: t.title,
    description: t.description ?? undefined,
    tags: t.tags,
    // The term index holds only open and claimed tasks.
    status: t.status as 'open' | 'claimed',
    owner: t.owner ?? undefined,
    ownerRole: t.owner ? roleOf(t.owner) : undefined,
  }));
}

export const advise = defineOperation({
  name: 'advise',
  summary: 'Should this work be coordinated or done independently? Applies the decision framework to the log',
  input: () => z.strictObject({ text: nonEmptyText(2_000), recent: z.number().int().min(1).max(5_000).default(200) }),
  writes: false,
  async run(app, input, caller) {
    const tables = await app.tables();
    const role = caller.instanceId ? instanceRow(tables.db, caller.instanceId)?.role : undefined;
    const related = relatedTasks(tables.db, input.text, app.clock());
    const recent = findingsPage(tables.db, { kind: 'finding' }, { limit: input.recent, cursor: undefined }).items.flatMap((i) => (i.kind === 'finding' ? [i.record] : []));
    // Word weights from what is compared (the related tasks and the recent findings), not the whole log's findings.
    return adviseFrom(
      input.text,
      {
        tasks: related,
        findings: recent.reverse().map((f) => ({ findingId: f.findingId, summary: f.summary, by: f.by, role: f.role, topic: f.topic ?? undefined })),
      },
      { as: caller.instanceId, role },
    );
  },
});
