import type { StoredEvent } from '../../events/index.js';

/**
 * The tables a writer can leave out, each with the rows it holds: a past moment's scratch
 * tables fold only the parts the views asked for read. `search`: the full-text index, the
 * stems of open tasks, who talked to whom and who works on what (search, advice, suggestions
 * and the hook read them, never a view: a fifth of a fold). The instances and the counters
 * are always kept.
 */
export type TablePart = 'tasks' | 'findings' | 'messages' | 'questions' | 'activity' | 'convergence' | 'health' | 'search';

/** The rows a part reads while it folds: another part's. */
const READS: Record<TablePart, readonly TablePart[]> = {
  tasks: [],
  findings: [],
  messages: [],
  questions: ['findings'],
  // A claim asks who held the task until then.
  activity: ['tasks'],
  // A finding's links are scored and explained from the findings' rows.
  convergence: ['findings'],
  // A record reads a finding's role and a task's tags; the report, the clusters.
  health: ['tasks', 'findings', 'convergence'],
  search: ['tasks', 'findings', 'messages', 'questions'],
};

/** The parts `parts` need, with the parts those read, and theirs. */
export function withReads(parts: Iterable<TablePart>): Set<TablePart> {
  const all = new Set<TablePart>();
  const add = (part: TablePart): void => {
    if (all.has(part)) return;
    all.add(part);
    for (const read of READS[part]) add(read);
  };
  for (const part of parts) add(part);
  return all;
}

export const EVERY_PART = Object.keys(READS) as TablePart[];

/** Every part a view of the board reads: all but search's. */
export const VIEW_PARTS = EVERY_PART.filter((part) => part !== 'search');

/** The part an event's own rows belong to (the instances' events belong to every fold). */
export const PART_OF: Partial<Record<StoredEvent['type'], TablePart>> = {
  TaskProposed: 'tasks',
  TaskClaimed: 'tasks',
  ClaimRenewed: 'tasks',
  ClaimReleased: 'tasks',
  TaskCompleted: 'tasks',
  TaskAbandoned: 'tasks',
  FindingRecorded: 'findings',
  SynthesisPublished: 'findings',
  MessagePosted: 'messages',
  QuestionPosed: 'questions',
  QuestionClosed: 'questions',
};
