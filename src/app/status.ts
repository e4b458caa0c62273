import * as z from 'zod';
import { unjudgedLinks } from '../readstore/convergence-queries.js';
import { coordinatorSuggestions } from '../signals/suggestions.js';
import { RELATED_THRESHOLD } from '../signals/advise.js';
import { duplicateClaimPairs, relatedFindingPairs } from '../readstore/suggestion-candidates.js';
import { questionsPage, taskCounts, tasksPage } from '../readstore/queries.js';
import type { TaskView } from '../../projections/tasks.js';
import { defineOperation } from './operation.js';
import { activeInstances, boardCounts, talkedPairs } from '../readstore/board.js';

/** Suggestions read the newest links of the similarity index and the topics of the newest findings. */
const RELATED = { links: 300, findings: 50 };
/** Live claims looked at for near-duplicates: more than any team holds at once. */
const CLAIMS_COMPARED = 200;

/** A task as the board lists it: who holds it and until when; `tasks` gives the whole record (description, outcome, times). */
const boardTask = (t: TaskView) => ({
  taskId: t.taskId,
  title: t.title,
  tags: t.tags,
  status: t.status,
  owner: t.owner,
  lastOwner: t.lastOwner,
  leaseUntil: t.leaseUntil,
  leaseRemainingMs: t.leaseRemainingMs,
  stale: t.stale,
  claims: t.claims,
  proposedBy: t.proposedBy,
  position: t.position,
});

/**
 * The coordinator's board, concise whatever the log holds: counts, what needs attention
 * (stale leases, unjudged convergences, health warnings, suggestions) and the top items of each list, each
 * with how many more there are. Visibility, not control: it suggests, it never assigns.
 */
export const status = defineOperation({
  name: 'status',
  summary: "The coordinator's board: counts, who holds what, stale leases, the newest open tasks and questions, suggestions",
  input: () => z.strictObject({ limit: z.number().int().min(1).max(200).default(10) }),
  writes: false,
  async run(app, input) {
    const tables = await app.tables();
    const { db } = tables;
    const now = app.clock();
    const top = { limit: input.limit, cursor: undefined };
    const claimed = tasksPage(db, { status: 'claimed' }, now, { limit: CLAIMS_COMPARED, cursor: undefined });
    const stale = tasksPage(db, { stale: true, all: true }, now, top);
    const open = tasksPage(db, { status: 'open' }, now, top);
    const questions = questionsPage(db, 'open', top);
    const instances = activeInstances(db, input.limit).map((i) => ({
      ...i,
      holds: claimed.items.filter((t) => t.owner === i.instanceId).map((t) => ({ taskId: t.taskId, title: t.title, leaseRemainingMs: t.leaseRemainingMs })),
    }));
    const suggestions = coordinatorSuggestions({
      related: relatedFindingPairs(db, RELATED_THRESHOLD, RELATED),
      duplicates: duplicateClaimPairs(db, claimed.items),
      talked: talkedPairs(db),
    }).slice(0, input.limit);
    return {
      now: now.toISOString(),
      position: tables.watermark(),
      counts: { ...boardCounts(db), tasks: taskCounts(db, now) },
      instances,
      claimed: claimed.items.slice(0, input.limit).map(boardTask),
      stale: stale.items.map(boardTask),
      open: open.items.map(boardTask),
      questions: questions.items,
      suggestions,
      // Candidates no agent has judged: the reflector's to confirm or reject (`cairn judge`).
      unjudged: { asOf: tables.watermark(), ...unjudgedLinks(db) },
      // Health's warnings as `cairn health` last found them (over its window), for the same reason.
      health: tables.noted('health') ?? null,
    };
  },
});
