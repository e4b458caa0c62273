import type { join } from '../app/join.js';
import type { leave } from '../app/instance-commands.js';
import type { abandon, claim, complete, propose, release, renew, TaskCommandResult } from '../app/task-commands.js';
import type { ask, closeQuestion } from '../app/questions.js';
import type { find, say, synthesize } from '../app/record-commands.js';
import type { activity, findings, questions, tasks } from '../app/reads.js';
import type { inbox } from '../app/inbox.js';
import type { sync } from '../app/sync.js';
import type { status } from '../app/status.js';
import type { wait } from '../app/wait.js';
import type { replay } from '../app/replay.js';
import type { advise, convergence, health } from '../app/signals.js';
import type { judge } from '../app/judge.js';
import type { hook } from '../app/hook.js';
import { renderHook } from './hook.js';
import type { search } from '../app/search.js';
import { formatDuration } from '../app/duration.js';
import type { PageInfo } from '../readstore/page.js';
import { clip, counted, table } from './text.js';
import type { Contrast } from '../similarity/claim.js';

const lease = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '' : ms > 0 ? formatDuration(ms) : 'expired');
const taskLine = (verb: string) => (r: TaskCommandResult) =>
  `${verb} ${r.taskId}${r.owner ? ` (owner ${r.owner}${r.leaseUntil ? ` until ${r.leaseUntil}` : ''})` : ''}${r.events.length === 0 ? ' (nothing changed)' : ''}`;
/** The line under a page that is not the last: how many more, and how to see them. */
const more = (page: PageInfo, what: string): string[] => (page.remaining > 0 ? [`… ${page.remaining} more ${what} of ${page.total} (--cursor ${page.next}, or --all)`] : []);
const lines = (...parts: string[][]): string => parts.flat().join('\n');

/** What tells two agreeing summaries apart, said so a judge knows what to read for. */
const CONTRAST_PHRASES: Record<Contrast, string> = { negation: 'one negates', numbers: 'numbers differ', antonym: 'opposite words', entity: 'names differ' };
const lookTwice = (contrasts: readonly Contrast[]): string => contrasts.map((c) => CONTRAST_PHRASES[c]).join(', ');

/**
 * What people see of each operation's result: the CLI prints it without --json, and MCP sends it
 * beside the structured result. Keyed by operation name.
 */
export const RENDERS: Record<string, (result: any) => string> = {
  'join': (r: Awaited<ReturnType<typeof join.run>> & { token?: string }) =>
    (r.changed ? `${r.instanceId} joined as ${r.role}` : `${r.instanceId} is already ${r.role}`) +
    (r.token ? `\ntoken: ${r.token}\n(saved for --as ${r.instanceId} with this CAIRN_URL; elsewhere set CAIRN_TOKEN=${r.token})` : ''),
  'leave': (r: { instanceId: string }) => `${r.instanceId} left`,
  'propose': (r: Awaited<ReturnType<typeof propose.run>>) =>
    [
      `proposed ${r.taskId}`,
      ...r.nearDuplicates.map((d) => `  warning: close to ${d.status} task ${d.taskId}${d.owner ? ` (held by ${d.owner})` : ''}, score ${d.score.toFixed(2)}: ${clip(d.title)}`),
    ].join('\n'),
  'claim': taskLine('claimed'),
  'renew': taskLine('renewed'),
  'release': taskLine('released'),
  'complete': taskLine('completed'),
  'abandon': taskLine('abandoned'),
  'tasks': (r: Awaited<ReturnType<typeof tasks.run>>) =>
    r.tasks.length === 0
      ? 'no tasks'
      : lines(
          [table(
            ['task', 'status', 'owner', 'lease', 'title'],
            r.tasks.map((t) => [t.taskId, t.stale ? 'open (stale)' : t.status, t.owner ?? (t.stale ? `(${t.lastOwner})` : ''), lease(t.leaseRemainingMs), clip(t.title)]),
          )],
          more(r.page, 'tasks'),
        ),
  'ask': (r: { questionId: string }) => `asked ${r.questionId}`,
  'close-question': (r: { questionId: string }) => `closed ${r.questionId}`,
  'questions': (r: Awaited<ReturnType<typeof questions.run>>) =>
    r.questions.length === 0
      ? 'no questions'
      : lines([table(['question', 'status', 'findings', 'text'], r.questions.map((q) => [q.questionId, q.status, q.findings.length, clip(q.text)]))], more(r.page, 'questions')),
  'find': (r: Awaited<ReturnType<typeof find.run>>) =>
    [
      `recorded ${r.findingId}`,
      ...r.converges.map((m) => `  converges with ${m.other.findingId} by ${m.other.instanceId} (${m.other.role}), score ${m.score.toFixed(2)}${m.contrasts.length > 0 ? ` (look twice: ${lookTwice(m.contrasts)})` : ''}: ${m.reason}`),
      ...r.echoes.map((m) => `  echoes ${m.other.findingId} by ${m.other.instanceId}: ${m.reason}`),
      ...r.warnings.map((w) => `  warning: ${w}`),
    ].join('\n'),
  'findings': (r: Awaited<ReturnType<typeof findings.run>>) =>
    r.findings.length === 0 && r.syntheses.length === 0
      ? 'no findings'
      : lines(
          r.findings.length === 0 ? [] : [table(['finding', 'by', 'role', 'topic', 'summary'], r.findings.map((f) => [f.findingId, f.by, f.role, f.topic ?? '', clip(f.summary)]))],
          r.syntheses.length === 0 ? [] : [table(['synthesis', 'by', 'integrates', 'summary'], r.syntheses.map((x) => [x.synthesisId, x.by, clip(x.integrates.join(', '), 30), clip(x.summary)]))],
          more(r.page, 'findings and syntheses'),
        ),
  'say': (r: { messageId: string; to: string }) => `sent ${r.messageId} to ${r.to}`,
  'inbox': (r: Awaited<ReturnType<typeof inbox.run>>) =>
    [
      r.messages.length === 0
        ? 'no unread messages'
        : r.messages.map((m) => `${m.unread ? '*' : ' '} ${m.messageId}  ${m.at}  from ${m.from} to ${m.to}\n    ${m.body.replace(/\n/g, '\n    ')}`).join('\n'),
      ...more(r.page, 'messages'),
      ...(r.reminders && r.reminders.unjudged.total > 0
        ? [`reminder: ${r.reminders.unjudged.total} candidate convergences await a judgment, e.g. ${r.reminders.unjudged.links.map((l) => `${l.earlier}~${l.later}`).join(', ')} (\`cairn judge LINK --same|--different --reason TEXT\`)`]
        : []),
    ].join('\n'),
  'sync': (d: Awaited<ReturnType<typeof sync.run>>) => {
    const lines = [`synced ${d.from} -> ${d.upTo}`];
    for (const j of d.joined) lines.push(`  joined   ${j.instanceId} as ${j.role}`);
    for (const t of d.tasks) lines.push(`  task     ${t.taskId} ${t.change} by ${t.by}${t.title ? `: ${clip(t.title)}` : ''}`);
    for (const q of d.questions) lines.push(`  question ${q.questionId} by ${q.by}: ${clip(q.text)}`);
    for (const f of d.findings) lines.push(`  finding  ${f.findingId} by ${f.by} (${f.role}): ${clip(f.summary)}`);
    for (const m of d.messages) lines.push(`  message  ${m.messageId} from ${m.from}: ${clip(m.body)}`);
    for (const s of d.syntheses) lines.push(`  synthesis ${s.synthesisId} by ${s.by}: ${clip(s.summary)}`);
    if (lines.length === 1) lines.push('  nothing new from others');
    if (d.more) lines.push(`  … more after ${d.upTo}: sync again to go on (--limit N or --all for more at once)`);
    return lines.join('\n');
    },
  'synthesize': (r: { synthesisId: string }) => `published ${r.synthesisId}`,
  'wait': (r: Awaited<ReturnType<typeof wait.run>>) => `${r.matched}${r.already ? ' (already)' : ` after ${r.waitedMs} ms`}${r.event ? ` at ${r.event.position}: ${r.event.type}` : ''}`,
  'status': (r: Awaited<ReturnType<typeof status.run>>) => {
    const c = r.counts;
    const sections = [
      `status at ${r.now} (log position ${r.position})\n` +
        `  ${counted(c.instances, 'instance')}; tasks: ${c.tasks.open} open (${c.tasks.stale} stale), ${c.tasks.claimed} claimed, ${c.tasks.completed} completed, ${c.tasks.abandoned} abandoned; ` +
        `questions: ${c.questions.open} open, ${c.questions.closed} closed; ${counted(c.findings, 'finding')}, ${counted(c.syntheses, 'synthesis', 'syntheses')}, ${counted(c.messages, 'message')}`,
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
  'activity': (r: Awaited<ReturnType<typeof activity.run>>) =>
    table(
      ['instance', 'role', 'last seen', 'claims', 'topics'],
      r.instances.map((i) => [i.instanceId, i.role, i.lastSeen ?? '', i.claims.join(', '), clip(Object.keys(i.topics).join(', '), 40)]),
    ),
  'convergence': (r: Awaited<ReturnType<typeof convergence.run>>) => {
    const judged = (l: (typeof r.rejected)[number]) => (l.kind === 'convergence' ? ` [${l.judgment.status}${l.judgment.judges.length ? `: ${l.judgment.judges.map((j) => `${j.by} ${j.verdict}`).join(', ')}` : ''}]` : '');
    const contrasts = (l: (typeof r.rejected)[number]) => (l.contrasts.length > 0 ? ` (look twice: ${lookTwice(l.contrasts)})` : '');
    const linkLine = (l: (typeof r.rejected)[number]) => `    ${l.earlier}~${l.later} ${l.score.toFixed(2)}${judged(l)}${contrasts(l)}: ${l.reason}`;
    const cut = (c: (typeof r.convergences)[number]) => c.sizes.members > c.members.length || c.sizes.links > c.links.length;
    const cluster = (c: (typeof r.convergences)[number]) =>
      [
        `${c.kind} across ${c.roles.join(', ')} (${c.instances.join(', ')})${cut(c) ? `: ${c.sizes.members} findings and ${c.sizes.links} links, the newest shown` : ''}`,
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
  'judge': (r: Awaited<ReturnType<typeof judge.run>>) =>
    `judged ${r.link} ${r.verdict}${r.events.length === 0 ? ' (nothing changed)' : ''}: now ${r.judgment.status} (${r.judgment.judges.map((j) => `${j.by} ${j.verdict}`).join(', ')})`,
  'health': (r: Awaited<ReturnType<typeof health.run>>) =>
    [
      `health ${r.status} over ${r.window.from} .. ${r.window.to}`,
      table(
        ['signal', 'value', 'status', 'watch', 'warning', 'why'],
        r.signals.map((s) => [s.name, Number(s.value.toFixed(2)), s.judged ? s.status : `${s.status} (too little data)`, s.threshold.watch, s.threshold.warning ?? '', clip(`${s.unit}: ${s.explanation}`, 90)]),
      ),
      r.matcher.judged === 0
        ? 'matcher: no candidate judged yet (`cairn judge`)'
        : `matcher: precision ${r.matcher.precision!.toFixed(2)} against ${counted(r.matcher.judged, 'judged candidate')}, ${r.matcher.missedBelowThreshold} judged the same below the threshold` +
          (r.matcher.suggestedThreshold === null ? '' : `; the judgments suggest CAIRN_CONVERGENCE_THRESHOLD=${r.matcher.suggestedThreshold}`),
    ].join('\n'),
  'hook': renderHook,
  'search': (r: Awaited<ReturnType<typeof search.run>>) =>
    r.results.length === 0
      ? `nothing matches "${clip(r.query, 60)}"`
      : lines(
          [table(['kind', 'id', 'by', 'score', 'text'], r.results.map((x) => [String(x.kind), String(x.findingId ?? x.synthesisId ?? x.questionId ?? x.taskId ?? x.messageId), String(x.by), Number(x.score).toFixed(2), clip(String(x.summary ?? x.text ?? x.title ?? x.body), 70)]))],
          r.page.next ? [`… ${r.page.remaining} more of ${r.page.total} (--cursor ${r.page.next})`] : [],
          r.matched > r.page.total ? [`(${r.matched} matched; the newest ${r.page.total} are ranked: narrow with more words, --kind, --by, --topic or --since)`] : [],
        ),
  'advise': (r: Awaited<ReturnType<typeof advise.run>>) =>
    [
      `${r.decision}${r.with && r.with.length > 0 ? ` with ${r.with.join(', ')}` : ''}${r.task ? ` on ${r.task}` : ''}`,
      ...r.reasons.map((reason) => `  - ${reason}`),
      ...r.related.tasks.map((t) => `  related task ${t.taskId} (${t.status}${t.owner ? `, ${t.owner}` : ''}) ${t.score.toFixed(2)}: ${clip(t.title)}`),
      ...r.related.findings.map((f) => `  related finding ${f.findingId} by ${f.by} ${f.score.toFixed(2)}: ${clip(f.summary)}`),
    ].join('\n'),
  // One line of JSON: seven views at once stay under 32 KiB even a month in (a tool reads it; `jq` shows it to people).
  'replay': (r: Awaited<ReturnType<typeof replay.run>>) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
};
