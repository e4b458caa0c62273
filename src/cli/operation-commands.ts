import { join } from '../app/join.js';
import { leave } from '../app/instance-commands.js';
import { abandon, claim, complete, propose, release, renew, type TaskCommandResult } from '../app/task-commands.js';
import { ask, closeQuestion } from '../app/questions.js';
import { find, say, synthesize } from '../app/record-commands.js';
import { activity, findings, questions, tasks } from '../app/reads.js';
import { inbox } from '../app/inbox.js';
import { sync } from '../app/sync.js';
import { status } from '../app/status.js';
import { wait } from '../app/wait.js';
import { replay } from '../app/replay.js';
import { advise, convergence, health } from '../app/signals.js';
import { judge } from '../app/judge.js';
import { formatDuration } from '../app/duration.js';
import { DEFAULT_LIMIT } from '../app/page.js';
import type { PageInfo } from '../readstore/page.js';
import type { CliSpec } from './bridge.js';
import { clip, table } from './output.js';

const lease = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '' : ms > 0 ? formatDuration(ms) : 'expired');
const taskLine = (verb: string) => (r: TaskCommandResult) =>
  `${verb} ${r.taskId}${r.owner ? ` (owner ${r.owner}${r.leaseUntil ? ` until ${r.leaseUntil}` : ''})` : ''}${r.events.length === 0 ? ' (nothing changed)' : ''}`;
const TAGS = { flags: '--tag <tag>', key: 'tags', description: 'a tag (repeat or comma-separate)', list: true };
const ID = (what: string) => ({ flags: '--id <id>', key: 'id', description: `choose the ${what} id instead of a generated one` });
const LEASE = { flags: '--lease <duration>', key: 'lease', description: 'lease length, e.g. 30m, 2h (default 15m)' };
const PAGING = [
  { flags: '--limit <n>', key: 'limit', description: `at most this many (default ${DEFAULT_LIMIT})`, int: true },
  { flags: '--cursor <cursor>', key: 'cursor', description: 'continue after the last one shown (the `next` of an earlier page)' },
];
/** The line under a page that is not the last: how many more, and how to see them. */
const more = (page: PageInfo, what: string): string[] => (page.remaining > 0 ? [`… ${page.remaining} more ${what} of ${page.total} (--cursor ${page.next}, or --all)`] : []);
const lines = (...parts: string[][]): string => parts.flat().join('\n');

/** The operations as subcommands: arguments and flags map onto each operation's input. */
export const OPERATION_COMMANDS: CliSpec<any>[] = [
  {
    op: join,
    options: [
      { flags: '--role <role>', key: 'role', description: 'explorer, builder, reflector, coordinator, or any lower-case name' },
      { flags: '--description <text>', key: 'description', description: 'what this instance is' },
    ],
    render: (r: Awaited<ReturnType<typeof join.run>> & { token?: string }) =>
      (r.changed ? `${r.instanceId} joined as ${r.role}` : `${r.instanceId} is already ${r.role}`) +
      (r.token ? `\ntoken: ${r.token}\n(saved for --as ${r.instanceId} with this CAIRN_URL; elsewhere set CAIRN_TOKEN=${r.token})` : ''),
  },
  { op: leave, options: [{ flags: '--reason <text>', key: 'reason', description: 'why' }], render: (r: { instanceId: string }) => `${r.instanceId} left` },
  {
    op: propose,
    args: [{ key: 'title', label: 'title', rest: true }],
    options: [{ flags: '--description <text>', key: 'description', description: 'details' }, TAGS, ID('task')],
    render: (r: Awaited<ReturnType<typeof propose.run>>) =>
      [
        `proposed ${r.taskId}`,
        ...r.nearDuplicates.map((d) => `  warning: close to ${d.status} task ${d.taskId}${d.owner ? ` (held by ${d.owner})` : ''}, score ${d.score.toFixed(2)}: ${clip(d.title)}`),
      ].join('\n'),
  },
  { op: claim, args: [{ key: 'task', label: 'task' }], options: [LEASE], render: taskLine('claimed') },
  { op: renew, args: [{ key: 'task', label: 'task' }], options: [LEASE], render: taskLine('renewed') },
  { op: release, args: [{ key: 'task', label: 'task' }], options: [{ flags: '--reason <text>', key: 'reason', description: 'why' }], render: taskLine('released') },
  {
    op: complete,
    command: 'done',
    args: [{ key: 'task', label: 'task' }],
    options: [{ flags: '--outcome <text>', key: 'outcome', description: 'what came of it' }],
    render: taskLine('completed'),
  },
  { op: abandon, args: [{ key: 'task', label: 'task' }], options: [{ flags: '--reason <text>', key: 'reason', description: 'why' }], render: taskLine('abandoned') },
  {
    op: tasks,
    options: [
      { flags: '--status <status>', key: 'status', description: 'open, claimed, completed or abandoned' },
      { flags: '--all', key: 'all', description: 'every task, completed and abandoned too, without a limit' },
      { flags: '--owner <instance>', key: 'owner', description: 'only tasks this instance holds' },
      ...PAGING,
    ],
    render: (r: Awaited<ReturnType<typeof tasks.run>>) =>
      r.tasks.length === 0
        ? 'no tasks'
        : lines(
            [table(
              ['task', 'status', 'owner', 'lease', 'title'],
              r.tasks.map((t) => [t.taskId, t.stale ? 'open (stale)' : t.status, t.owner ?? (t.stale ? `(${t.lastOwner})` : ''), lease(t.leaseRemainingMs), clip(t.title)]),
            )],
            more(r.page, 'tasks'),
          ),
  },
  {
    op: ask,
    args: [{ key: 'text', label: 'question', rest: true }],
    options: [TAGS, ID('question')],
    render: (r: { questionId: string }) => `asked ${r.questionId}`,
  },
  {
    op: closeQuestion,
    args: [{ key: 'question', label: 'question' }],
    options: [{ flags: '--resolution <text>', key: 'resolution', description: 'what was concluded' }],
    render: (r: { questionId: string }) => `closed ${r.questionId}`,
  },
  {
    op: questions,
    options: [{ flags: '--status <status>', key: 'status', description: 'open or closed' }, { flags: '--all', key: 'all', description: 'every question, without a limit' }, ...PAGING],
    render: (r: Awaited<ReturnType<typeof questions.run>>) =>
      r.questions.length === 0
        ? 'no questions'
        : lines([table(['question', 'status', 'findings', 'text'], r.questions.map((q) => [q.questionId, q.status, q.findings.length, clip(q.text)]))], more(r.page, 'questions')),
  },
  {
    op: find,
    args: [{ key: 'summary', label: 'summary', rest: true }],
    options: [
      { flags: '--topic <topic>', key: 'topic', description: 'what it is about' },
      TAGS,
      { flags: '--cites <finding>', key: 'cites', description: 'a finding this builds on (repeat or comma-separate)', list: true },
      { flags: '--question <question>', key: 'question', description: 'the question it answers' },
      ID('finding'),
    ],
    render: (r: Awaited<ReturnType<typeof find.run>>) =>
      [
        `recorded ${r.findingId}`,
        ...r.converges.map((m) => `  converges with ${m.other.findingId} by ${m.other.instanceId} (${m.other.role}), score ${m.score.toFixed(2)}${m.contrasts.length > 0 ? ` (look twice: ${m.contrasts.join(', ')} differ)` : ''}: ${m.reason}`),
        ...r.echoes.map((m) => `  echoes ${m.other.findingId} by ${m.other.instanceId}: ${m.reason}`),
        ...r.warnings.map((w) => `  warning: ${w}`),
      ].join('\n'),
  },
  {
    op: findings,
    options: [
      { flags: '--topic <topic>', key: 'topic', description: 'only this topic' },
      { flags: '--tag <tag>', key: 'tag', description: 'only this tag' },
      { flags: '--question <question>', key: 'question', description: 'only findings on this question' },
      { flags: '--by <instance>', key: 'by', description: 'only this author' },
      { flags: '--since <point>', key: 'since', description: 'a log position or an ISO time' },
      { flags: '--all', key: 'all', description: 'every match, without a limit' },
      ...PAGING,
    ],
    render: (r: Awaited<ReturnType<typeof findings.run>>) =>
      r.findings.length === 0 && r.syntheses.length === 0
        ? 'no findings'
        : lines(
            r.findings.length === 0 ? [] : [table(['finding', 'by', 'role', 'topic', 'summary'], r.findings.map((f) => [f.findingId, f.by, f.role, f.topic ?? '', clip(f.summary)]))],
            r.syntheses.length === 0 ? [] : [table(['synthesis', 'by', 'integrates', 'summary'], r.syntheses.map((x) => [x.synthesisId, x.by, clip(x.integrates.join(', '), 30), clip(x.summary)]))],
            more(r.page, 'findings and syntheses'),
          ),
  },
  {
    op: say,
    args: [{ key: 'body', label: 'message', rest: true }],
    options: [
      { flags: '--to <recipient>', key: 'to', description: 'an instance id, role:NAME or all' },
      { flags: '--reply-to <message>', key: 'replyTo', description: 'the message this answers' },
      ID('message'),
    ],
    render: (r: { messageId: string; to: string }) => `sent ${r.messageId} to ${r.to}`,
  },
  {
    op: inbox,
    options: [
      { flags: '--all', key: 'all', description: 'every message, read ones too, newest first, without a limit' },
      { flags: '--mark-read', key: 'markRead', description: 'advance your read cursor past the messages shown' },
      ...PAGING,
    ],
    render: (r: Awaited<ReturnType<typeof inbox.run>>) =>
      [
        r.messages.length === 0
          ? 'no unread messages'
          : r.messages.map((m) => `${m.unread ? '*' : ' '} ${m.messageId}  ${m.at}  from ${m.from} to ${m.to}\n    ${m.body.replace(/\n/g, '\n    ')}`).join('\n'),
        ...more(r.page, 'messages'),
        ...(r.reminders && r.reminders.unjudged.total > 0
          ? [`reminder: ${r.reminders.unjudged.total} candidate convergences await a judgment, e.g. ${r.reminders.unjudged.links.map((l) => `${l.earlier}~${l.later}`).join(', ')} (\`cairn judge LINK --same|--different --reason TEXT\`)`]
          : []),
      ].join('\n'),
  },
  {
    op: sync,
    render: (d: Awaited<ReturnType<typeof sync.run>>) => {
      const lines = [`synced ${d.from} -> ${d.upTo}`];
      for (const j of d.joined) lines.push(`  joined   ${j.instanceId} as ${j.role}`);
      for (const t of d.tasks) lines.push(`  task     ${t.taskId} ${t.change} by ${t.by}${t.title ? `: ${clip(t.title)}` : ''}`);
      for (const q of d.questions) lines.push(`  question ${q.questionId} by ${q.by}: ${clip(q.text)}`);
      for (const f of d.findings) lines.push(`  finding  ${f.findingId} by ${f.by} (${f.role}): ${clip(f.summary)}`);
      for (const m of d.messages) lines.push(`  message  ${m.messageId} from ${m.from}: ${clip(m.body)}`);
      for (const s of d.syntheses) lines.push(`  synthesis ${s.synthesisId} by ${s.by}: ${clip(s.summary)}`);
      if (lines.length === 1) lines.push('  nothing new from others');
      return lines.join('\n');
    },
  },
  {
    op: synthesize,
    args: [{ key: 'summary', label: 'summary', rest: true }],
    options: [
      { flags: '--integrates <finding>', key: 'integrates', description: 'findings it integrates (repeat or comma-separate)', list: true },
      { flags: '--question <question>', key: 'question', description: 'the question it answers' },
      TAGS,
      ID('synthesis'),
    ],
    render: (r: { synthesisId: string }) => `published ${r.synthesisId}`,
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
    render: (r: Awaited<ReturnType<typeof wait.run>>) => `${r.matched}${r.already ? ' (already)' : ` after ${r.waitedMs} ms`}${r.event ? ` at ${r.event.position}: ${r.event.type}` : ''}`,
  },
  {
    op: status,
    options: [{ flags: '--limit <n>', key: 'limit', description: 'items per list (default 10)', int: true }],
    render: (r: Awaited<ReturnType<typeof status.run>>) => {
      const c = r.counts;
      const sections = [
        `status at ${r.now} (log position ${r.position})\n` +
          `  ${c.instances} instances; tasks: ${c.tasks.open} open (${c.tasks.stale} stale), ${c.tasks.claimed} claimed, ${c.tasks.completed} completed, ${c.tasks.abandoned} abandoned; ` +
          `questions: ${c.questions.open} open, ${c.questions.closed} closed; ${c.findings} findings, ${c.syntheses} syntheses, ${c.messages} messages`,
      ];
      sections.push(
        r.instances.length === 0
          ? 'no instances'
          : table(['instance', 'role', 'last seen', 'holds'], r.instances.map((i) => [i.instanceId + (i.left ? ' (left)' : ''), i.role, i.lastSeen ?? '', i.holds.map((h) => `${h.taskId} (${lease(h.leaseRemainingMs)})`).join(', ')])),
      );
      const rest = (shown: number, total: number, what: string) => (total > shown ? `\n  … ${total - shown} more (\`cairn ${what}\`)` : '');
      if (r.stale.length > 0) sections.push(`stale leases:\n${r.stale.map((t) => `  ${t.taskId} last held by ${t.lastOwner}: ${clip(t.title)}`).join('\n')}${rest(r.stale.length, c.tasks.stale, 'tasks --status open')}`);
      sections.push(r.open.length === 0 ? 'open tasks: none' : `open tasks:\n${r.open.map((t) => `  ${t.taskId} ${clip(t.title)}`).join('\n')}${rest(r.open.length, c.tasks.open, 'tasks --status open')}`);
      if (r.questions.length > 0) sections.push(`open questions:\n${r.questions.map((q) => `  ${q.questionId} (${q.findings.length} findings) ${clip(q.text)}`).join('\n')}${rest(r.questions.length, c.questions.open, 'questions --status open')}`);
      if (r.health && r.health.warnings.length > 0) {
        sections.push(`health warnings (as of position ${r.health.asOf}, over ${r.health.window.from} .. ${r.health.window.to}; \`cairn health\` for the evidence):\n${r.health.warnings.map((w) => `  ${w.name}: ${clip(w.explanation, 120)}`).join('\n')}`);
      }
      if (r.suggestions.length > 0) sections.push(`suggestions:\n${r.suggestions.map((x) => `  ${x.text}`).join('\n')}`);
      if (r.unjudged.total > 0) {
        sections.push(
          `unjudged convergences (${r.unjudged.total}; a reflector confirms or rejects each with \`cairn judge\`):\n${r.unjudged.links.map((l) => `  ${l.earlier}~${l.later} ${l.score.toFixed(2)}`).join('\n')}`,
        );
      }
      return sections.join('\n\n');
    },
  },
  {
    op: activity,
    render: (r: Awaited<ReturnType<typeof activity.run>>) =>
      table(
        ['instance', 'role', 'last seen', 'claims', 'topics'],
        r.instances.map((i) => [i.instanceId, i.role, i.lastSeen ?? '', i.claims.join(', '), clip(Object.keys(i.topics).join(', '), 40)]),
      ),
  },
  {
    op: convergence,
    options: [
      { flags: '--threshold <score>', key: 'threshold', description: 'similarity from 0 to 1 (default 0.3, or $CAIRN_CONVERGENCE_THRESHOLD)', number: true },
      { flags: '--limit <n>', key: 'limit', description: 'clusters of each kind, and members per cluster (default 10)', int: true },
      { flags: '--all', key: 'all', description: 'every cluster, whole' },
    ],
    render: (r: Awaited<ReturnType<typeof convergence.run>>) => {
      const judged = (l: (typeof r.rejected)[number]) => (l.kind === 'convergence' ? ` [${l.judgment.status}${l.judgment.judges.length ? `: ${l.judgment.judges.map((j) => `${j.by} ${j.verdict}`).join(', ')}` : ''}]` : '');
      const contrasts = (l: (typeof r.rejected)[number]) => (l.contrasts.length > 0 ? ` (look twice: ${l.contrasts.join(', ')} differ)` : '');
      const linkLine = (l: (typeof r.rejected)[number]) => `    ${l.earlier}~${l.later} ${l.score.toFixed(2)}${judged(l)}${contrasts(l)}: ${l.reason}`;
      const cluster = (c: (typeof r.convergences)[number]) =>
        [
          `${c.kind} across ${c.roles.join(', ')} (${c.instances.join(', ')})`,
          ...c.members.map((m) => `  ${m.findingId} at ${m.position} by ${m.instanceId} (${m.role}): ${clip(m.summary)}`),
          ...c.links.map(linkLine),
        ].join('\n');
      const { confirmed, unjudged, disputed, rejected } = r.judged;
      const parts = [
        r.convergences.length === 0 ? 'no convergences' : r.convergences.map(cluster).join('\n\n'),
        ...(r.totals.convergences > r.convergences.length || r.totals.echoes > r.echoes.length
          ? [`showing ${r.convergences.length} of ${r.totals.convergences} convergences and ${r.echoes.length} of ${r.totals.echoes} echoes, and the newest members and links of each (--limit N, or --all)`]
          : []),
        `candidates: ${confirmed} confirmed, ${unjudged} unjudged, ${disputed} disputed, ${rejected} rejected (\`cairn judge EARLIER~LATER --same|--different --reason TEXT\`)`,
      ];
      if (r.echoes.length > 0) parts.push(`echoes (reached after one was shown to the other's author):\n${r.echoes.map(cluster).join('\n\n')}`);
      if (r.rejected.length > 0) parts.push(`rejected by judges:\n${r.rejected.map(linkLine).join('\n')}`);
      return parts.join('\n\n');
    },
  },
  {
    op: judge,
    args: [{ key: 'link', label: 'link' }],
    options: [
      { flags: '--same', key: 'same', description: 'the two findings say the same thing' },
      { flags: '--different', key: 'different', description: 'they do not (same topic, another claim)' },
      { flags: '--reason <text>', key: 'reason', description: 'why, in a sentence' },
    ],
    render: (r: Awaited<ReturnType<typeof judge.run>>) =>
      `judged ${r.link} ${r.verdict}${r.events.length === 0 ? ' (nothing changed)' : ''}: now ${r.judgment.status} (${r.judgment.judges.map((j) => `${j.by} ${j.verdict}`).join(', ')})`,
  },
  {
    op: health,
    options: [
      { flags: '--window <duration>', key: 'window', description: 'how far back to look (default 24h, at most 7d)' },
      { flags: '--threshold <score>', key: 'threshold', description: 'convergence similarity threshold', number: true },
    ],
    render: (r: Awaited<ReturnType<typeof health.run>>) =>
      [
        `health ${r.status} over ${r.window.from} .. ${r.window.to}`,
        table(
          ['signal', 'value', 'status', 'watch', 'warning', 'why'],
          r.signals.map((s) => [s.name, Number(s.value.toFixed(2)), s.judged ? s.status : `${s.status} (too little data)`, s.threshold.watch, s.threshold.warning ?? '', clip(`${s.unit}: ${s.explanation}`, 90)]),
        ),
        r.matcher.judged === 0
          ? 'matcher: no candidate judged yet (`cairn judge`)'
          : `matcher: precision ${r.matcher.precision!.toFixed(2)} against ${r.matcher.judged} judged candidates, ${r.matcher.missedBelowThreshold} judged the same below the threshold` +
            (r.matcher.suggestedThreshold === null ? '' : `; the judgments suggest CAIRN_CONVERGENCE_THRESHOLD=${r.matcher.suggestedThreshold}`),
      ].join('\n'),
  },
  {
    op: advise,
    args: [{ key: 'text', label: 'task', rest: true }],
    render: (r: Awaited<ReturnType<typeof advise.run>>) =>
      [
        `${r.decision}${r.with && r.with.length > 0 ? ` with ${r.with.join(', ')}` : ''}${r.task ? ` on ${r.task}` : ''}`,
        ...r.reasons.map((reason) => `  - ${reason}`),
        ...r.related.tasks.map((t) => `  related task ${t.taskId} (${t.status}${t.owner ? `, ${t.owner}` : ''}) ${t.score.toFixed(2)}: ${clip(t.title)}`),
        ...r.related.findings.map((f) => `  related finding ${f.findingId} by ${f.by} ${f.score.toFixed(2)}: ${clip(f.summary)}`),
      ].join('\n'),
  },
  {
    op: replay,
    options: [{ flags: '--at <point>', key: 'at', description: 'a log position or an ISO time' }],
    args: [{ key: 'projection', label: 'projection', optional: true }],
    render: (r: Awaited<ReturnType<typeof replay.run>>) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2),
  },
];
