import { join } from '../app/join.js';
import { leave } from '../app/instance-commands.js';
import { abandon, complete, propose, release, renew } from '../app/task-commands.js';
import { ask, closeQuestion } from '../app/questions.js';
import { say, synthesize } from '../app/record-commands.js';
import { activity, findings, questions } from '../app/reads.js';
import { sync } from '../app/sync.js';
import { DEFAULT_LIMIT } from '../app/page.js';
import { wait } from '../app/wait.js';
import { replay } from '../app/replay.js';
import { advise, convergence, health } from '../app/signals.js';
import { judge } from '../app/judge.js';
import { search } from '../app/search.js';
import type { CliSpec } from './bridge.js';
import { ANSWERS, BY, ID, LEASE, PAGING, TAGS } from './specs/options.js';
import { claimCommand } from './specs/claim.js';
import { tasksCommand } from './specs/tasks.js';
import { findCommand } from './specs/find.js';
import { inboxCommand } from './specs/inbox.js';
import { statusCommand } from './specs/status.js';

/** The operations as subcommands: arguments and flags map onto each operation's input. */
export const OPERATION_COMMANDS: CliSpec<any>[] = [
  {
    op: join,
    options: [
      { flags: '--role <role>', key: 'role', description: 'explorer, builder, reflector, coordinator, or any lower-case name' },
      { flags: '--description <text>', key: 'description', description: 'what this instance is' },
    ],
  },
  { op: leave, options: [{ flags: '--reason <text>', key: 'reason', description: 'why' }] },
  {
    op: propose,
    args: [{ key: 'title', label: 'title', rest: true }],
    options: [{ flags: '--description <text>', key: 'description', description: 'details' }, TAGS, ID('task')],
  },
  claimCommand,
  { op: renew, args: [{ key: 'task', label: 'task' }], options: [LEASE] },
  { op: release, args: [{ key: 'task', label: 'task' }], options: [{ flags: '--reason <text>', key: 'reason', description: 'why' }] },
  {
    op: complete,
    command: 'done',
    args: [{ key: 'task', label: 'task' }],
    options: [{ flags: '--outcome <text>', key: 'outcome', description: 'what came of it' }],
  },
  { op: abandon, args: [{ key: 'task', label: 'task' }], options: [{ flags: '--reason <text>', key: 'reason', description: 'why' }] },
  tasksCommand,
  {
    op: ask,
    args: [{ key: 'text', label: 'question', rest: true }],
    options: [TAGS, ID('question')],
  },
  {
    op: closeQuestion,
    args: [{ key: 'question', label: 'question' }],
    options: [{ flags: '--resolution <text>', key: 'resolution', description: 'what was concluded' }],
  },
  {
    op: questions,
    options: [{ flags: '--status <status>', key: 'status', description: 'open or closed' }, { flags: '--all', key: 'all', description: 'every question, without a limit' }, ...PAGING],
  },
  findCommand,
  {
    op: findings,
    options: [
      { flags: '--topic <topic>', key: 'topic', description: 'only this topic' },
      { flags: '--tag <tag>', key: 'tag', description: 'only this tag' },
      { flags: '--question <question>', key: 'question', description: 'only findings on this question' },
      BY,
      { flags: '--since <point>', key: 'since', description: 'a log position or an ISO time' },
      { flags: '--all', key: 'all', description: 'every match, without a limit' },
      ...PAGING,
    ],
  },
  {
    op: search,
    args: [{ key: 'query', label: 'query', rest: true }],
    options: [
      { flags: '--kind <kind>', key: 'kind', description: 'finding, synthesis, question, task or message' },
      BY,
      { flags: '--role <role>', key: 'role', description: 'only what was written under this role' },
      { flags: '--topic <topic>', key: 'topic', description: 'only findings on this topic' },
      { flags: '--since <point>', key: 'since', description: 'written at or after a log position or an ISO time' },
      { flags: '--until <point>', key: 'until', description: 'written at or before a log position or an ISO time' },
      { flags: '--by-meaning', key: 'meaning', description: 're-rank the best 100 matches by meaning (needs CAIRN_EMBEDDINGS)' },
      { flags: '--limit <n>', key: 'limit', description: 'at most this many (default 20)', int: true },
      { flags: '--cursor <cursor>', key: 'cursor', description: 'continue after the results shown (the `next` of an earlier page)' },
    ],
  },
  {
    op: say,
    args: [{ key: 'body', label: 'message', rest: true }],
    options: [
      { flags: '--to <recipient>', key: 'to', description: 'an instance id, role:NAME or all' },
      { flags: '--reply-to <message>', key: 'replyTo', description: 'the message this answers' },
      ID('message'),
    ],
  },
  inboxCommand,
  {
    op: sync,
    options: [
      { flags: '--limit <n>', key: 'limit', description: `items at most, oldest first (default ${DEFAULT_LIMIT}, fewer when their texts are long)`, int: true },
      { flags: '--all', key: 'all', description: 'everything new at once' },
    ],
  },
  {
    op: synthesize,
    args: [{ key: 'summary', label: 'summary', rest: true }],
    options: [
      { flags: '--integrates <finding>', key: 'integrates', description: 'findings it integrates (repeat or comma-separate)', list: true },
      ANSWERS,
      TAGS,
      ID('synthesis'),
    ],
  },
  {
    op: wait,
    options: [
      { flags: '--task <task>', key: 'task', description: 'wait for this task to reach --state' },
      { flags: '--state <state>', key: 'state', description: 'open, claimed, completed or abandoned' },
      { flags: '--message', key: 'message', description: 'wait for a new message to you, your role or all' },
      { flags: '--question <question>', key: 'question', description: 'wait for this question to have --findings N' },
      { flags: '--findings <n>', key: 'findings', description: 'how many findings', int: true },
      { flags: '--timeout <duration>', key: 'timeout', description: 'give up after this long (exit 124; default 60s)' },
    ],
  },
  statusCommand,
  { op: activity },
  {
    op: convergence,
    options: [
      { flags: '--threshold <score>', key: 'threshold', description: 'similarity from 0 to 1 (default 0.3, or $CAIRN_CONVERGENCE_THRESHOLD)', number: true },
      { flags: '--limit <n>', key: 'limit', description: 'clusters of each kind, and members per cluster (default 4)', int: true },
      { flags: '--all', key: 'all', description: 'every cluster, whole' },
    ],
  },
  {
    op: judge,
    args: [{ key: 'link', label: 'link' }],
    options: [
      { flags: '--same', key: 'same', description: 'the two findings say the same thing' },
      { flags: '--different', key: 'different', description: 'they do not (same topic, another claim)' },
      { flags: '--reason <text>', key: 'reason', description: 'why, in a sentence' },
    ],
  },
  {
    op: health,
    options: [
      { flags: '--window <duration>', key: 'window', description: 'how far back to look (default 24h, at most 7d)' },
      { flags: '--threshold <score>', key: 'threshold', description: 'convergence similarity threshold', number: true },
    ],
  },
  {
    op: advise,
    args: [{ key: 'text', label: 'task', rest: true }],
  },
  {
    op: replay,
    options: [
      { flags: '--at <point>', key: 'at', description: 'a log position or an ISO time' },
      { flags: '--limit <n>', key: 'limit', description: 'items of each list, the newest (default 2)', number: true },
      { flags: '--cursor <cursor>', key: 'cursor', description: 'continue findings, inbox or questions after the `next` of an earlier page' },
      { flags: '--all', key: 'all', description: 'every item of the view named, without a limit' },
    ],
    args: [{ key: 'projection', label: 'projection', optional: true }],
  },
];
