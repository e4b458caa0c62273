import type { Corpus } from '../similarity/tfidf.js';
import { comparator, taskText } from './compare.js';

/**
 * `cairn advise "task text"`: the philosophy's decision framework, applied to the log.
 *
 *   Coordinate when independent work would duplicate a task wastefully, when the work needs
 *   genuinely integrated effort, or when it is blocked by someone else's task.
 *   Diverge when different approaches could yield different insights, when the work is
 *   exploratory, or when coordinating would cost more than duplicating.
 *
 * Coordination checks win ("if yes to any → consider coordination"), with one exception
 * the philosophy insists on: exploratory work close to a task held by another role is an
 * independent angle, and convergence from it validates rather than wastes.
 */

export interface AdviseTask {
  taskId: string;
  title: string;
  description?: string;
  tags?: string[];
  status: 'open' | 'claimed';
  owner?: string;
  ownerRole?: string;
}

export interface AdviseFinding {
  findingId: string;
  summary: string;
  by: string;
  role?: string;
  topic?: string;
}

export interface AdviseOptions {
  /** The asking instance: its own tasks and findings are not "someone else's work". */
  as?: string;
  role?: string;
  /** Minimum similarity for a task or finding to count as related. Default 0.2. */
  relatedThreshold?: number;
  /** Minimum similarity for a task to count as the same task. Default 0.5. */
  duplicateThreshold?: number;
  /** IDF source; see compare.ts. */
  corpus?: Corpus;
  /** Related items listed per kind. Default 5. */
  limit?: number;
}

export interface Advice {
  decision: 'coordinate' | 'diverge';
  reasons: string[];
  related: { tasks: Array<AdviseTask & { score: number }>; findings: Array<AdviseFinding & { score: number }> };
  /** Whom to coordinate with. */
  with?: string[];
  /** Which task the coordination is about. */
  task?: string;
  /** The framework's questions and the answers read off the log. */
  checks: {
    duplicatesTask: boolean;
    needsIntegration: boolean;
    blockedBy: boolean;
    exploratory: boolean;
    otherAngles: boolean;
    overheadExceedsDuplication: boolean;
  };
}

export const RELATED_THRESHOLD = 0.2;
export const DUPLICATE_TASK_THRESHOLD = 0.5;

const EXPLORATORY = /\b(?:explor\w*|investigat\w*|research\w*|stud(?:y|ies)|survey\w*|experiment\w*|compar\w*|understand\w*|why|hypothes\w*|analy[sz]\w*|alternatives?|what if|prototyp\w*|spike)\b/i;
const INTEGRATION = /\b(?:integrat\w*|combin\w*|merg\w*|together|joint(?:ly)?|synthes[iz]\w*|unif\w*|end[- ]to[- ]end|across (?:roles|instances|teams))\b/i;
const DEPENDENCY = /\b(?:after|once|depends? on|dependent on|blocked (?:by|on)|requires?|waiting (?:for|on)|built on|builds? on|on top of)\b/i;

/** Best first; equal scores by id, so every surface lists them in one order, whatever order it read them in. */
const byScore =
  <T extends { score: number }>(id: (item: T) => string) =>
  (a: T, b: T): number =>
    b.score - a.score || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

/** Open tasks whose text is close to `title`: `cairn propose` warns with these before adding a near-duplicate. */
export function nearDuplicateTasks<T extends { taskId: string; title: string; description?: string; tags?: string[] }>(
  title: string,
  openTasks: readonly T[],
  threshold = DUPLICATE_TASK_THRESHOLD,
  corpus?: Corpus,
): Array<{ task: T; score: number }> {
  const score = comparator([title, ...openTasks.map(taskText)], corpus);
  return openTasks
    .map((task) => ({ task, score: score(title, taskText(task)) }))
    .filter((m) => m.score >= threshold)
    .sort(byScore((m) => m.task.taskId));
}

export function advise(
  text: string,
  context: { tasks: readonly AdviseTask[]; findings: readonly AdviseFinding[] },
  options: AdviseOptions = {},
): Advice {
  const relatedAt = options.relatedThreshold ?? RELATED_THRESHOLD;
  const duplicateAt = options.duplicateThreshold ?? DUPLICATE_TASK_THRESHOLD;
  const limit = options.limit ?? 5;
  const score = comparator([text, ...context.tasks.map(taskText), ...context.findings.map((f) => f.summary)], options.corpus);
  const mine = (who?: string) => options.as !== undefined && who === options.as;

  const tasks = context.tasks.map((t) => ({ ...t, score: score(text, taskText(t)) })).filter((t) => t.score >= relatedAt).sort(byScore((t) => t.taskId));
  const findings = context.findings
    .filter((f) => !mine(f.by))
    .map((f) => ({ ...f, score: score(text, f.summary) }))
    .filter((f) => f.score >= relatedAt)
    .sort(byScore((f) => f.findingId));

  const exploratory = EXPLORATORY.test(text);
  const othersClaimed = tasks.filter((t) => t.status === 'claimed' && t.owner !== undefined && !mine(t.owner));
  const sameTask = tasks.find((t) => t.score >= duplicateAt && (t.status === 'open' || !mine(t.owner)));
  // Exploratory work from another role is an independent angle, not waste.
  const validatingAngle =
    sameTask?.status === 'claimed' && exploratory && options.role !== undefined && sameTask.ownerRole !== undefined && sameTask.ownerRole !== options.role;
  const duplicate = sameTask && !validatingAngle ? sameTask : undefined;
  const contributors = [...new Set([...findings.map((f) => f.by), ...othersClaimed.map((t) => t.owner!)])];
  const needsIntegration = INTEGRATION.test(text) && contributors.length >= 2;
  const blocker = DEPENDENCY.test(text) ? othersClaimed.find((t) => t !== duplicate) : undefined;
  const otherRoles = [...new Set(findings.map((f) => f.role).filter((r) => r !== undefined && r !== options.role))];
  const otherAngles = findings.length > 0 && (otherRoles.length > 0 || options.role === undefined);
  const overhead = othersClaimed.length === 0;

  const reasons: string[] = [];
  const withWhom = new Set<string>();
  let task: string | undefined;
  const owned = (t: AdviseTask) => `${t.owner}${t.ownerRole ? ` (${t.ownerRole})` : ''}`;
  if (duplicate?.status === 'claimed') {
    reasons.push(`"${duplicate.title}" (${duplicate.taskId}, similarity ${duplicate.score.toFixed(2)}) is already claimed by ${owned(duplicate)}: working on it independently would duplicate the task. Agree on who does what; approaches may still differ.`);
    withWhom.add(duplicate.owner!);
    task = duplicate.taskId;
  } else if (duplicate) {
    reasons.push(`"${duplicate.title}" (${duplicate.taskId}, similarity ${duplicate.score.toFixed(2)}) is already proposed and open: claim it rather than proposing a twin.`);
    task = duplicate.taskId;
  }
  if (needsIntegration) {
    reasons.push(`this asks for integrated effort, and ${contributors.join(', ')} hold related work: integrating needs them.`);
    for (const c of contributors) withWhom.add(c);
  }
  if (blocker) {
    reasons.push(`this depends on "${blocker.title}" (${blocker.taskId}), claimed by ${owned(blocker)}: a blocking dependency is worth a message.`);
    withWhom.add(blocker.owner!);
    task ??= blocker.taskId;
  }
  const decision = reasons.length > 0 ? 'coordinate' : 'diverge';

  if (validatingAngle) {
    reasons.push(`"${sameTask!.title}" (${sameTask!.taskId}) is held by ${owned(sameTask!)}, but this is exploratory and you come at it as ${options.role}: an independent angle that converges would validate, not waste. Work autonomously and record findings.`);
  }
  if (decision === 'diverge') {
    if (exploratory) reasons.push('this is exploratory: diversity of approach is the value, so work autonomously and share findings when complete.');
    if (otherAngles) {
      reasons.push(`related findings exist (${findings.slice(0, 3).map((f) => `${f.findingId} by ${f.by}${f.role ? ` (${f.role})` : ''}`).join(', ')}): a different approach may yield a different insight, and independent agreement would validate it.`);
    }
    if (overhead && !validatingAngle) reasons.push('no one else holds a related task: coordinating would cost more than any duplication.');
    else if (!validatingAngle) reasons.push(`related claimed work (${othersClaimed.map((t) => t.taskId).join(', ')}) is not the same task: sync on what, diverge on how.`);
  }

  const advice: Advice = {
    decision,
    reasons,
    related: { tasks: tasks.slice(0, limit), findings: findings.slice(0, limit) },
    checks: {
      duplicatesTask: duplicate !== undefined,
      needsIntegration,
      blockedBy: blocker !== undefined,
      exploratory,
      otherAngles,
      overheadExceedsDuplication: overhead,
    },
  };
  if (withWhom.size > 0) advice.with = [...withWhom].sort();
  if (task) advice.task = task;
  return advice;
}
