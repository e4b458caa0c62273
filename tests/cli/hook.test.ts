import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { testServer } from '../server/server.js';
import { expectExit, tempDir, workspace, type Workspace } from './run.js';

/** The JSON Claude Code reads from a hook's standard output, as its hooks reference documents it. */
const ContextAnswer = z.strictObject({
  hookSpecificOutput: z.strictObject({ hookEventName: z.enum(['SessionStart', 'UserPromptSubmit', 'PostToolUse']), additionalContext: z.string().min(1) }),
});
const StopAnswer = z.strictObject({ decision: z.literal('block'), reason: z.string().min(1) });
const Settings = z.strictObject({
  hooks: z.record(z.enum(['SessionStart', 'UserPromptSubmit', 'Stop']), z.array(z.strictObject({ hooks: z.array(z.strictObject({ type: z.literal('command'), command: z.string(), timeout: z.number() })) }))),
});

const lines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('- '));

async function team(): Promise<Workspace> {
  const ws = await workspace();
  for (const [who, role] of [['ada', 'explorer'], ['bo', 'builder'], ['rae', 'reflector']]) expectExit(await ws.as(who!, ['join', '--role', role!]), 0);
  return ws;
}

describe('cairn hook: a scripted session', () => {
  it('shows what is new once, then nothing; and records what it showed as a read', async () => {
    const ws = await team();
    const quiet = await ws.as('ada', ['hook']);
    expectExit(quiet, 0);
    expect(quiet.stdout).toBe('');

    expectExit(await ws.as('bo', ['say', 'Retry-After is ignored by the upload client', '--to', 'ada']), 0);
    expectExit(await ws.as('bo', ['say', 'explorers: look at uploads', '--to', 'role:explorer']), 0);
    expectExit(await ws.as('bo', ['say', 'a note to rae only', '--to', 'rae']), 0);
    const news = await ws.as('ada', ['hook']);
    expectExit(news, 0);
    expect(lines(news.stdout)).toEqual([
      expect.stringMatching(/^- message from bo: "Retry-After is ignored by the upload client" \(m-\w+; reply: cairn say … --to bo --reply-to m-\w+\)$/),
      expect.stringMatching(/^- message from bo to role:explorer: "explorers: look at uploads"/),
    ]);
    // Never repeated; silent when nothing is new.
    expect((await ws.as('ada', ['hook'])).stdout).toBe('');

    // What it showed is in the log as a read by ada (happens-before), naming the two messages.
    const shown = (await ws.events()).filter((e) => e.type === 'ContentShown' && e.data.via === 'hook');
    expect(shown).toHaveLength(1);
    expect(shown[0]!.data).toMatchObject({ instanceId: 'ada', streams: [expect.stringMatching(/^message-m-/), expect.stringMatching(/^message-m-/)] });
  });

  it('warns of a lapsing lease once per lease, shows convergences with your findings, tasks released near your topics, and reminds a reflector', async () => {
    const ws = await team();
    expectExit(await ws.as('ada', ['find', 'The upload client ignores the Retry-After header and retries at once', '--topic', 'uploads']), 0);
    expectExit(await ws.as('ada', ['propose', 'Map the upload paths', '--id', 't-map']), 0);
    expectExit(await ws.as('ada', ['claim', 't-map', '--lease', '3m']), 0);
    // The lease was 3m when claimed; a loaded machine may take seconds between the two calls.
    expect(lines((await ws.as('ada', ['hook'])).stdout)).toEqual([expect.stringMatching(/^- your claim on t-map "Map the upload paths" runs out in (3m00s|2m[345]\ds): cairn renew t-map/)]);
    expect((await ws.as('ada', ['hook'])).stdout).toBe('');

    expectExit(await ws.as('bo', ['find', 'Uploads retry immediately because the client ignores the Retry-After header', '--topic', 'uploads']), 0);
    expectExit(await ws.as('bo', ['propose', 'Fix the upload retry backoff', '--id', 't-fix', '--tag', 'uploads']), 0);
    expectExit(await ws.as('bo', ['claim', 't-fix']), 0);
    expectExit(await ws.as('bo', ['release', 't-fix']), 0);
    expectExit(await ws.as('bo', ['propose', 'Tidy the docs', '--id', 't-docs']), 0);
    expectExit(await ws.as('bo', ['claim', 't-docs']), 0);
    expectExit(await ws.as('bo', ['release', 't-docs']), 0);
    expectExit(await ws.as('ada', ['renew', 't-map', '--lease', '2m']), 0);
    const ada = lines((await ws.as('ada', ['hook'])).stdout);
    expect(ada).toEqual([
      // The renewed lease is a new lease: warned of again.
      expect.stringMatching(/^- your claim on t-map .* runs out in 2m00s/),
      expect.stringMatching(/^- bo's f-\w+ \("Uploads retry immediately because the client ignores the Retry-After header"\) and your f-\w+ say the same: reached independently/),
      // Near her topic "uploads"; the docs task is not.
      '- t-fix "Fix the upload retry backoff" was released by bo (near your topic "uploads"): cairn claim t-fix',
    ]);
    expect(lines((await ws.as('rae', ['hook'])).stdout)).toContainEqual('- 1 new candidate convergence awaits a judgment: cairn convergence, then cairn judge');
    expect(lines((await ws.as('bo', ['hook'])).stdout)).toContainEqual(expect.stringMatching(/^- ada's f-\w+ .* and your f-\w+ say the same: reached independently/));
  });

  it('is bounded: the first items and the count of the rest', async () => {
    const ws = await team();
    for (let i = 0; i < 5; i++) expectExit(await ws.as('bo', ['say', `message ${i}`, '--to', 'ada']), 0);
    const some = await ws.as('ada', ['hook', '--limit', '2']);
    expect(lines(some.stdout)).toEqual([expect.stringContaining('"message 0"'), expect.stringContaining('"message 1"')]);
    expect(some.stdout).toContain('… and 3 more: cairn inbox, cairn status');
    const json = (await ws.as('bo', ['hook', '--json'])).json<{ instanceId: string; items: unknown[]; more: number }>();
    expect(json).toMatchObject({ instanceId: 'bo', items: [], more: 0 });
  });
});

describe("cairn hook for Claude Code's hooks", () => {
  it('answers each hook event in the JSON Claude Code reads, and nothing when nothing is new', async () => {
    const ws = await team();
    expectExit(await ws.as('bo', ['say', 'uploads stall at 5 MB', '--to', 'ada']), 0);
    const prompt = await ws.as('ada', ['hook', '--format', 'claude'], { input: JSON.stringify({ session_id: 's1', hook_event_name: 'UserPromptSubmit', prompt: 'go on' }) });
    expectExit(prompt, 0);
    const context = ContextAnswer.parse(JSON.parse(prompt.stdout));
    expect(context.hookSpecificOutput).toMatchObject({ hookEventName: 'UserPromptSubmit', additionalContext: expect.stringContaining('"uploads stall at 5 MB"') });
    const nothing = await ws.as('ada', ['hook', '--format', 'claude'], { input: JSON.stringify({ hook_event_name: 'SessionStart', source: 'startup' }) });
    expectExit(nothing, 0);
    expect(nothing.stdout).toBe('');
    expectExit(await ws.as('rae', ['say', 'welcome back', '--to', 'ada']), 0);
    const start = await ws.as('ada', ['hook', '--format', 'claude'], { input: JSON.stringify({ hook_event_name: 'SessionStart', source: 'resume' }) });
    expect(ContextAnswer.parse(JSON.parse(start.stdout)).hookSpecificOutput).toMatchObject({ hookEventName: 'SessionStart', additionalContext: expect.stringContaining('"welcome back"') });

    expectExit(await ws.as('bo', ['say', 'one more thing', '--to', 'ada']), 0);
    const stop = await ws.as('ada', ['hook', '--format', 'claude', '--event', 'Stop']);
    expect(StopAnswer.parse(JSON.parse(stop.stdout)).reason).toContain('"one more thing"');
  });

  it('prints the settings that run it, and the exact command configured works', async () => {
    const ws = await team();
    const printed = await ws.as('ada', ['hook', '--print-config']);
    expectExit(printed, 0);
    const settings = Settings.parse(JSON.parse(printed.stdout));
    expect(Object.keys(settings.hooks)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop']);
    const command = settings.hooks.UserPromptSubmit![0]!.hooks[0]!.command;
    expect(command).toContain(' hook --format claude ');
    expectExit(await ws.as('bo', ['say', 'configured and working', '--to', 'ada']), 0);
    // As Claude Code runs it: through a shell, in another directory, the event's JSON on standard input.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CAIRN_') || k === 'CAIRN_BUNDLE'));
    const ran = spawnSync('sh', ['-c', command], { cwd: '/', env, input: JSON.stringify({ hook_event_name: 'UserPromptSubmit', prompt: 'hi' }), encoding: 'utf8' });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ContextAnswer.parse(JSON.parse(ran.stdout)).hookSpecificOutput.additionalContext).toContain('"configured and working"');
  });

  it('refuses bad input with exit 2, naming it, and appends nothing', async () => {
    const ws = await team();
    const before = (await ws.events()).length;
    for (const [args, field] of [
      [['hook', '--as', 'ada', '--format', 'xml'], '--format'],
      [['hook', '--as', 'ada', '--limit', '0'], '--limit'],
      [['hook', '--as', 'ada', '--lease-warning', 'soon'], '--lease-warning'],
      [['hook', '--as', 'ada', '--format', 'claude', '--event', 'Teatime'], '--event'],
      [['hook'], '--as'],
    ] as const) {
      const result = await ws.run([...args]);
      expectExit(result, 2);
      expect(result.stderr).toContain(field);
    }
    const garbled = await ws.as('ada', ['hook', '--format', 'claude'], { input: 'not json' });
    expectExit(garbled, 2);
    expect(garbled.stderr).toContain('standard input');
    expect((await ws.events()).length).toBe(before);
  });
});

describe('cairn hook against a server (CAIRN_URL)', () => {
  it('is answered by the server, which remembers what it showed each instance', async () => {
    const server = await testServer();
    try {
      const [adaHome, boHome] = [tempDir(), tempDir()];
      expectExit(await server.remote(['join', '--role', 'explorer', '--as', 'ada'], { home: adaHome }), 0);
      expectExit(await server.remote(['join', '--role', 'builder', '--as', 'bo'], { home: boHome }), 0);
      expectExit(await server.remote(['say', 'the server says hello', '--to', 'ada', '--as', 'bo'], { home: boHome }), 0);
      const news = await server.remote(['hook', '--as', 'ada'], { home: adaHome });
      expectExit(news, 0);
      expect(lines(news.stdout)).toEqual([expect.stringMatching(/^- message from bo: "the server says hello"/)]);
      expect((await server.remote(['hook', '--as', 'ada'], { home: adaHome })).stdout).toBe('');
      // Recorded on the server's log as ada's read.
      const shown = await server.local(['log', '--json', '--type', 'ContentShown']);
      expect(shown.lines<{ data: { instanceId: string; via: string } }>().map((e) => e.data)).toContainEqual(expect.objectContaining({ instanceId: 'ada', via: 'hook' }));
    } finally {
      await server.stop();
    }
  });
});
