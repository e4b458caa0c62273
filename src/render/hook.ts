import type { HookDigest, HookItem } from '../app/hook.js';
import { formatDuration } from '../app/duration.js';
import { clip } from './text.js';

/** What `cairn hook` prints: a line per piece of news, and the count of the rest. */
export function renderHook(r: HookDigest): string {
  if (r.items.length === 0) return `nothing new for ${r.instanceId} since the last look`;
  return [
    `cairn: new for ${r.instanceId} since the last look (log position ${r.upTo}):`,
    ...r.items.map((item) => `- ${hookLine(item, r.instanceId)}`),
    ...(r.more > 0 ? [`… and ${r.more} more: cairn inbox, cairn status`] : []),
  ].join('\n');
}

/** One piece of `cairn hook` news, with the command that acts on it. */
function hookLine(item: HookItem, me: string): string {
  switch (item.kind) {
    case 'lease':
      return item.remainingMs > 0
        ? `your claim on ${item.taskId} "${clip(item.title, 80)}" runs out in ${formatDuration(item.remainingMs)}: cairn renew ${item.taskId}, or cairn release ${item.taskId}`
        : `your claim on ${item.taskId} "${clip(item.title, 80)}" ran out ${formatDuration(-item.remainingMs)} ago: anyone may take it now; cairn renew ${item.taskId} if you still work on it`;
    case 'message':
      return `message from ${item.from}${item.to === me ? '' : ` to ${item.to}`}: "${clip(item.body, 160)}" (${item.messageId}; reply: cairn say … --to ${item.from} --reply-to ${item.messageId})`;
    case 'convergence':
      return `${item.theirs.by}'s ${item.theirs.findingId} ("${clip(item.theirs.summary, 120)}") and your ${item.yours} say the same: ${item.echo ? 'an echo (one had read the other), not independent' : 'reached independently'} (similarity ${item.similarity.toFixed(2)}; cairn convergence)`;
    case 'task':
      return item.how === 'released'
        ? `${item.taskId} "${clip(item.title, 80)}" was released by ${item.by} (near your topic "${item.topic}"): cairn claim ${item.taskId}`
        : `${item.by}'s claim on ${item.taskId} "${clip(item.title, 80)}" ran out (near your topic "${item.topic}"): cairn claim ${item.taskId} if it is still wanted`;
    case 'unjudged':
      return `${item.count} new candidate convergence${item.count === 1 ? ' awaits' : 's await'} a judgment: cairn convergence, then cairn judge`;
  }
}

