import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectExit, pooled, workspace, type CairnResult, type Workspace } from './run.js';

const long = (n: number, c = 'a') => c.repeat(n);
const BELL = 'ring\u0007ring';
const ESCAPE = 'red \u001b[31malert\u001b[0m';

interface Case {
  /** Arguments after `cairn`; `--as ada` is added unless `as` is null. */
  args: string[];
  /** The flag or argument the message must name. */
  names: string;
  as?: string | null;
  env?: Record<string, string>;
}

/**
 * For every command that takes input, input it must refuse: exit 2, a message naming the
 * field, and nothing appended to the log.
 */
const CASES: Record<string, Case[]> = {
  join: [
    { args: ['join', '--role', 'Builder Bob'], names: '--role' },
    { args: ['join'], names: '--role' },
    { args: ['join', '--role', long(33)], names: '--role' },
    { args: ['join', '--role', 'explorer', '--description', BELL], names: '--description' },
    { args: ['join', '--role', 'explorer'], as: 'bad id!', names: '--as' },
    { args: ['join', '--role', 'explorer'], as: long(65), names: '--as' },
  ],
  leave: [{ args: ['leave', '--reason', ESCAPE], names: '--reason' }],
  propose: [
    { args: ['propose', ''], names: '<title>' },
    { args: ['propose', '   '], names: '<title>' },
    { args: ['propose', long(201)], names: '<title>' },
    { args: ['propose', `title with ${ESCAPE}`], names: '<title>' },
    { args: ['propose', 'Fine title', '--tag', long(10_000)], names: '--tag' },
    { args: ['propose', 'Fine title', '--tag', 'two words'], names: '--tag' },
    { args: ['propose', 'Fine title', '--tag', Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')], names: '--tag' },
    { args: ['propose', 'Fine title', '--id', 'bad id!'], names: '--id' },
    { args: ['propose', 'Fine title', '--id', '-leading-dash'], names: '--id' },
    { args: ['propose', 'Fine title', '--description', BELL], names: '--description' },
    { args: ['propose', 'Fine title'], as: null, names: '--as' },
  ],
  claim: [
    { args: ['claim', 'bad/id'], names: '<task>' },
    { args: ['claim', ''], names: '<task>' },
    { args: ['claim', 't-open', '--lease', 'forever'], names: '--lease' },
    { args: ['claim', 't-open', '--lease', '8d'], names: '--lease' },
    { args: ['claim', 't-open', '--lease', '0s'], names: '--lease' },
    { args: ['claim', 't-open', '--lease', '-5m'], names: '--lease' },
  ],
  renew: [
    { args: ['renew', 't-open', '--lease', '1y'], names: '--lease' },
    { args: ['renew', 'a b'], names: '<task>' },
  ],
  release: [
    { args: ['release', 't-open', '--reason', long(2_001)], names: '--reason' },
    { args: ['release', 'x'.repeat(65)], names: '<task>' },
  ],
  done: [
    { args: ['done', 't-open', '--outcome', `done${BELL}`], names: '--outcome' },
    { args: ['done', 'semi;colon'], names: '<task>' },
  ],
  abandon: [{ args: ['abandon', 't-open', '--reason', ESCAPE], names: '--reason' }],
  tasks: [
    { args: ['tasks', '--status', 'finished'], names: '--status' },
    { args: ['tasks', '--owner', 'bad id!'], names: '--owner' },
  ],
  ask: [
    { args: ['ask', ''], names: '<question>' },
    { args: ['ask', long(2_001)], names: '<question>' },
    { args: ['ask', 'Fine?', '--tag', '-x'], names: '--tag' },
    { args: ['ask', 'Fine?', '--id', 'q/1'], names: '--id' },
  ],
  'close-question': [
    { args: ['close-question', 'bad id!'], names: '<question>' },
    { args: ['close-question', 'q-open', '--resolution', BELL], names: '--resolution' },
  ],
  questions: [{ args: ['questions', '--status', 'pending'], names: '--status' }],
  find: [
    { args: ['find', `sum${BELL}mary`], names: '<summary>' },
    { args: ['find', ''], names: '<summary>' },
    { args: ['find', long(4_001)], names: '<summary>' },
    { args: ['find', 'Fine', '--topic', ''], names: '--topic' },
    { args: ['find', 'Fine', '--topic', long(81)], names: '--topic' },
    { args: ['find', 'Fine', '--tag', long(41)], names: '--tag' },
    { args: ['find', 'Fine', '--cites', 'bad id!'], names: '--cites' },
    { args: ['find', 'Fine', '--cites', Array.from({ length: 51 }, (_, i) => `f-${i}`).join(',')], names: '--cites' },
    { args: ['find', 'Fine', '--question', 'bad id!'], names: '--question' },
    { args: ['find', 'Fine', '--id', 'bad id!'], names: '--id' },
  ],
  findings: [
    { args: ['findings', '--since', 'yesterday'], names: '--since' },
    { args: ['findings', '--tag', 'bad tag!'], names: '--tag' },
    { args: ['findings', '--by', 'bad id!'], names: '--by' },
    { args: ['findings', '--topic', ''], names: '--topic' },
  ],
  say: [
    { args: ['say', 'hello', '--to', 'role:'], names: '--to' },
    { args: ['say', 'hello', '--to', 'role:Builders'], names: '--to' },
    { args: ['say', 'hello', '--to', 'bad id!'], names: '--to' },
    { args: ['say', 'hello'], names: '--to' },
    { args: ['say', '', '--to', 'all'], names: '<message>' },
    { args: ['say', ESCAPE, '--to', 'all'], names: '<message>' },
    { args: ['say', long(10_001), '--to', 'all'], names: '<message>' },
    { args: ['say', 'hello', '--to', 'all', '--reply-to', 'bad id!'], names: '--reply-to' },
  ],
  inbox: [{ args: ['inbox'], as: 'bad id!', names: '--as' }],
  sync: [{ args: ['sync'], as: null, names: '--as' }],
  synthesize: [
    { args: ['synthesize', 'Whole'], names: '--integrates' },
    { args: ['synthesize', 'Whole', '--integrates', 'bad id!'], names: '--integrates' },
    { args: ['synthesize', '', '--integrates', 'f-1'], names: '<summary>' },
    { args: ['synthesize', 'Whole', '--integrates', 'f-1', '--question', 'bad id!'], names: '--question' },
    { args: ['synthesize', 'Whole', '--integrates', 'f-1', '--tag', long(41)], names: '--tag' },
  ],
  wait: [
    { args: ['wait'], names: 'condition' },
    { args: ['wait', '--task', 't-open'], names: '--state' },
    { args: ['wait', '--task', 't-open', '--state', 'finished'], names: '--state' },
    { args: ['wait', '--question', 'q-open', '--findings', '0'], names: '--findings' },
    { args: ['wait', '--question', 'q-open', '--findings', 'two'], names: '--findings' },
    { args: ['wait', '--question', 'q-open'], names: '--findings' },
    { args: ['wait', '--message', '--timeout', 'forever'], names: '--timeout' },
    { args: ['wait', '--task', 'bad id!', '--state', 'open'], names: '--task' },
  ],
  replay: [
    { args: ['replay', '--at', 'yesterday'], names: '--at' },
    { args: ['replay'], names: '--at' },
    { args: ['replay', '--at', '3', 'nope'], names: 'projection' },
    { args: ['replay', '--at', '3'], env: { CAIRN_REPLAY_COPIES: 'many' }, names: 'CAIRN_REPLAY_COPIES' },
  ],
  log: [
    { args: ['log', '--type', 'TaskExploded'], names: '--type' },
    { args: ['log', '--limit', '0'], names: '--limit' },
    { args: ['log', '--limit', 'lots'], names: '--limit' },
    { args: ['log', '--since', 'the dawn of time'], names: '--since' },
    { args: ['log', '--instance', 'bad id!'], names: '--instance' },
  ],
  convergence: [
    { args: ['convergence', '--threshold', '2'], names: '--threshold' },
    { args: ['convergence', '--threshold', 'high'], names: '--threshold' },
  ],
  health: [
    { args: ['health', '--window', 'forever'], names: '--window' },
    { args: ['health', '--threshold', '-1'], names: '--threshold' },
  ],
  advise: [
    { args: ['advise', ''], names: '<task>' },
    { args: ['advise', BELL], names: '<task>' },
  ],
  import: [{ args: ['import', '/nonexistent/cairn/export.ndjson'], names: '<file>' }],
  export: [{ args: ['export', '--out', '/nonexistent/cairn/dir/export.ndjson'], names: '--out' }],
};

const ALL = Object.entries(CASES).flatMap(([command, cases]) => cases.map((c) => ({ command, ...c })));
const title = (c: (typeof ALL)[number]) =>
  `${c.args.map((a) => (a.length > 24 ? `${JSON.stringify(a.slice(0, 12))}…(${a.length})` : JSON.stringify(a))).join(' ')}${c.as === undefined ? '' : ` as ${JSON.stringify(c.as)}`}`;

describe('bad input on every command: exit 2, names the field, appends nothing', () => {
  let ws: Workspace;
  let before: string[];
  let after: string[];
  const results = new Map<(typeof ALL)[number], { text?: CairnResult; json: CairnResult }>();

  beforeAll(async () => {
    ws = await workspace();
    // Valid targets, so that each refusal can only come from the bad input itself.
    expectExit(await ws.as('ada', ['join', '--role', 'explorer']), 0);
    await Promise.all([
      ws.as('ada', ['propose', 'An open task', '--id', 't-open']),
      ws.as('ada', ['ask', 'An open question?', '--id', 'q-open']),
      ws.as('ada', ['find', 'A finding', '--id', 'f-1']),
    ]);
    // The first read without an identity is itself recorded (ContentShown); reading again shows nothing new.
    expectExit(await ws.run(['log', '--json']), 0);
    before = (await ws.run(['log', '--json'])).stdout.trim().split('\n');
    expect(before.map((line) => JSON.parse(line).type)).toEqual(['InstanceJoined', 'TaskProposed', 'QuestionPosed', 'FindingRecorded', 'ContentShown'].sort((a, b) => before.findIndex((l) => l.includes(`"${a}"`)) - before.findIndex((l) => l.includes(`"${b}"`))));
    expect(before).toHaveLength(5);

    const run = (c: (typeof ALL)[number], json: boolean) => {
      const identity = c.as === undefined ? ['--as', 'ada'] : c.as === null ? [] : ['--as', c.as];
      return ws.run([...c.args, ...identity, ...(json ? ['--json'] : [])], { env: c.env });
    };
    // Every case with --json; the first case of each command also as people see it.
    const firstOfEach = new Set(Object.values(CASES).map((cases) => cases[0]!));
    await pooled(ALL, 6, async (c) => {
      const original = CASES[c.command]!.find((o) => o.args === c.args)!;
      const text = firstOfEach.has(original) ? await run(c, false) : undefined;
      results.set(c, { text, json: await run(c, true) });
    });
    after = (await ws.run(['log', '--json'])).stdout.trim().split('\n');
  });

  it('covers every command that takes input', async () => {
    const withoutInput = ['init', 'status', 'activity', 'demo', 'help'];
    const help = await ws.run(['--help']);
    const listed = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)(?= |\n)/gm)].map((m) => m[1]!);
    // Commands added elsewhere (servers, tokens…) join this table when they take input.
    const core = ['join', 'leave', 'propose', 'claim', 'renew', 'release', 'done', 'abandon', 'tasks', 'ask', 'close-question', 'questions', 'find', 'findings', 'say', 'inbox', 'sync', 'synthesize', 'wait', 'replay', 'log', 'import', 'export'];
    expect(listed).toEqual(expect.arrayContaining([...core, ...withoutInput]));
    expect(Object.keys(CASES)).toEqual(expect.arrayContaining(core));
    for (const command of Object.keys(CASES)) expect(listed).toContain(command);
    expect(withoutInput.some((c) => c in CASES)).toBe(false);
  });

  it.each(ALL.map((c) => [title(c), c] as const))('%s', (_title, c) => {
    const { text, json } = results.get(c)!;
    if (text) {
      expectExit(text, 2);
      expect(text.stdout).toBe('');
      expect(text.stderr).toMatch(/^cairn: /);
      expect(text.stderr).toContain(c.names);
      expect(text.stderr, 'agent text is never echoed with its control characters').not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
      expect(text.stderr.length, 'the message stays short even for huge input').toBeLessThan(1_000);
    }
    expectExit(json, 2);
    const { ok, error } = json.json();
    expect(ok).toBe(false);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain(c.names);
    expect(error.issues.map((i: { field: string }) => i.field).join(' ')).toContain(c.names);
    expect(json.stdout.length, 'the answer stays short even for huge input').toBeLessThan(1_000);
  });

  it('appended nothing: the log is exactly what it was', () => {
    expect(after).toEqual(before);
  });

  it('unknown commands and options exit 2 and append nothing', async () => {
    const results = await Promise.all([
      ws.run(['frobnicate', '--as', 'ada']),
      ws.run(['propose', 'Fine title', '--as', 'ada', '--priority', 'high']),
      ws.run(['claim', 't-open', '--as', 'ada', '--force']),
      ws.run(['propose', 'Fine title', '--as', 'ada', '--json', '--nope']),
    ]);
    for (const r of results) expectExit(r, 2);
    expect(results[0]!.stderr).toContain("unknown command 'frobnicate'");
    expect(results[1]!.stderr).toContain("unknown option '--priority'");
    expect(results[2]!.stderr).toContain("unknown option '--force'");
    expect(results[3]!.json().error).toMatchObject({ code: 'usage', message: "unknown option '--nope'" });
    expect((await ws.run(['log', '--json'])).stdout.trim().split('\n')).toEqual(before);
  });

  it('the same validation applies whatever the store: bad input is refused before the log is opened', async () => {
    const nowhere = join(ws.dir, 'no', 'such', 'log.db');
    const r = await ws.as('ada', ['claim', 't-open', '--lease', 'forever', '--store', nowhere]);
    expectExit(r, 2);
    expect(r.stderr).toContain('--lease');
  });
});
