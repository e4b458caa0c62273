import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { parseInput } from '../app/operation.js';
import { hook, type HookDigest } from '../app/hook.js';
import { renderHook } from '../render/hook.js';
import { identityOf, remoteOf, runOperation, storeUrlOf, type GlobalOptions } from './context.js';
import { printJson } from './output.js';
import { readStdinIfGiven, writeOut } from './std-streams.js';

/** Claude Code hook events the digest answers, and how each one takes it in. */
const CONTEXT_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PostToolUse'];
const STOP_EVENTS = ['Stop', 'SubagentStop'];
const FORMATS = ['text', 'claude'];
/** Where Claude Code runs the hook, in the order a session meets them. */
const CONFIGURED_EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop'];

interface HookOptions {
  format: string;
  event?: string;
  limit?: string;
  leaseWarning?: string;
  printConfig?: boolean;
}

/** `cairn hook`: the digest of what is new, made to be run by an agent's hooks every turn. */
export function registerHook(program: Command): void {
  program
    .command('hook')
    .description("What is new for you since the hook last ran (messages, lapsing leases, released tasks near your topics, convergences with your findings), for an agent's hooks; silent when nothing is")
    .option('--format <format>', 'text, or claude (the JSON Claude Code hooks read; the event comes from standard input or --event)', 'text')
    .option('--event <name>', `the Claude Code hook event when standard input does not say: ${[...CONTEXT_EVENTS, ...STOP_EVENTS].join(', ')}`)
    .option('--limit <n>', 'at most this many items (default 6)')
    .option('--lease-warning <duration>', 'warn of your leases running out within this (default 5m)')
    .option('--print-config', "print the hooks for Claude Code's .claude/settings.json that run this")
    .action(async (options: HookOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (!FORMATS.includes(options.format)) throw new ValidationError([{ field: '--format', reason: `must be one of ${FORMATS.join(', ')}` }]);
      const limit = options.limit === undefined ? 6 : Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new ValidationError([{ field: '--limit', reason: 'must be a whole number from 1 to 50' }]);
      // Checked here so errors name the flags; the input goes on as given, as bridge.ts does
      // (left out when not given: the operation's default then applies).
      const input = options.leaseWarning === undefined ? { limit } : { limit, leaseWarning: options.leaseWarning };
      parseInput(hook, input, (field) => (field === 'leaseWarning' ? '--lease-warning' : `--${field}`));
      const instanceId = identityOf(globals);
      if (!instanceId) throw new ValidationError([{ field: '--as', reason: 'is required: the hook digests what is new for one instance (pass --as ID or set CAIRN_INSTANCE)' }]);
      if (options.printConfig) return writeOut(`${JSON.stringify(claudeSettings(globals, instanceId), null, 2)}\n`);

      const event = options.format === 'claude' ? (options.event ?? eventFromStdin() ?? 'UserPromptSubmit') : undefined;
      if (event !== undefined && ![...CONTEXT_EVENTS, ...STOP_EVENTS].includes(event)) {
        throw new ValidationError([{ field: options.event ? '--event' : 'hook_event_name', reason: `must be one of ${[...CONTEXT_EVENTS, ...STOP_EVENTS].join(', ')}` }]);
      }
      const digest = (await runOperation(globals, hook, input)) as HookDigest;
      if (globals.json) return printJson(digest);
      if (digest.items.length === 0) return; // silent: nothing new
      const text = renderHook(digest);
      writeOut(event === undefined ? `${text}\n` : `${JSON.stringify(claudeAnswer(event, text))}\n`);
    });
}

/** What Claude Code reads from a hook: context for the model, or at a stop a reason to go on. */
function claudeAnswer(event: string, text: string): object {
  if (STOP_EVENTS.includes(event)) return { decision: 'block', reason: text };
  return { hookSpecificOutput: { hookEventName: event, additionalContext: text } };
}

/** The hook event named in the JSON Claude Code writes to standard input, when it writes one. */
function eventFromStdin(): string | undefined {
  const input = readStdinIfGiven()?.trim();
  if (input === undefined || input === '') return undefined;
  try {
    const name = (JSON.parse(input) as { hook_event_name?: unknown }).hook_event_name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    throw new ValidationError([{ field: 'standard input', reason: 'must be the JSON object Claude Code gives a hook (with hook_event_name), or nothing' }]);
  }
}

/** The `hooks` section of .claude/settings.json: this command, for this instance and log (or server), at each event. */
function claudeSettings(globals: GlobalOptions, instanceId: string): object {
  const quote = (word: string) => (/^[\w./:@=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
  const remote = remoteOf(globals);
  const url = remote ? undefined : storeUrlOf(globals);
  // Against a server the command runs with the agent's environment (CAIRN_URL and its token), as the agent's own commands do.
  const where = url === undefined ? [] : ['--store', /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : resolve(url)];
  const command = [process.execPath, resolve(process.argv[1]!), 'hook', '--format', 'claude', ...where, '--as', instanceId].map(quote).join(' ');
  return { hooks: Object.fromEntries(CONFIGURED_EVENTS.map((event) => [event, [{ hooks: [{ type: 'command', command, timeout: 10 }] }]])) };
}
