import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cairn, expectExit, pooled, tempDir, workspace, type Workspace } from './run.js';

/** Every subcommand, in the order `cairn --help` lists them. */
const COMMANDS = [
  'init', 'join', 'leave', 'propose', 'claim', 'renew', 'release', 'done', 'abandon', 'tasks', 'ask', 'close-question',
  'questions', 'find', 'findings', 'say', 'inbox', 'sync', 'synthesize', 'wait', 'status', 'activity', 'replay', 'log',
  'export', 'import', 'demo',
];

/** The commands `cairn --help` lists (others may add more: serve, mcp…). */
async function listedCommands(): Promise<string[]> {
  const help = await cairn(['--help']);
  return [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)(?= |\n)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

describe('help', () => {
  it('cairn --help exits 0 and lists every command', async () => {
    const help = await cairn(['--help']);
    expectExit(help, 0);
    expect(help.stdout).toMatch(/^Usage: cairn \[options\] \[command\]/);
    expect(help.stdout).toContain('--as <instance>');
    expect(help.stdout).toContain('--store <url>');
    expect(help.stderr).toBe('');
    const listed = await listedCommands();
    expect(listed.filter((name) => COMMANDS.includes(name))).toEqual(COMMANDS);
  });

  it('--help on each command exits 0 with its usage', async () => {
    const commands = await listedCommands();
    const results = await pooled(commands, 4, (command) => cairn([command, '--help']));
    results.forEach((help, i) => {
      expectExit(help, 0);
      expect(help.stdout).toContain(`Usage: cairn ${commands[i]} [options]`);
      expect(help.stderr).toBe('');
    });
    const viaHelp = await cairn(['help', 'claim']);
    expectExit(viaHelp, 0);
    expect(viaHelp.stdout).toContain('Usage: cairn claim [options] <task>');
  });
});

describe('exit codes and error output', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
    await Promise.all([ws.as('ada', ['join', '--role', 'explorer']), ws.as('bo', ['join', '--role', 'builder'])]);
    expectExit(await ws.as('ada', ['propose', 'Map the retry paths', '--id', 't-1']), 0);
    expectExit(await ws.as('ada', ['claim', 't-1', '--lease', '30m']), 0);
  });

  it('1: refused by the domain (already claimed, unknown task, not owner, not joined)', async () => {
    const [claimed, unknown, notOwner, notJoined] = await Promise.all([
      ws.as('bo', ['claim', 't-1', '--json']),
      ws.as('bo', ['claim', 't-nope', '--json']),
      ws.as('bo', ['release', 't-1', '--json']),
      ws.as('zed', ['propose', 'Something', '--json']),
    ]);
    for (const r of [claimed, unknown, notOwner, notJoined]) expectExit(r, 1);
    expect(claimed.json().error).toMatchObject({ code: 'already_claimed', message: expect.stringMatching(/^claimed by ada until \d{4}-/) });
    expect(unknown.json().error).toMatchObject({ code: 'unknown_task', message: 'unknown task t-nope' });
    expect(notOwner.json().error).toMatchObject({ code: 'not_owner', message: expect.stringContaining('claimed by ada') });
    expect(notJoined.json().error).toMatchObject({ code: 'not_joined', message: expect.stringContaining('zed has not joined') });
  });

  it('1 without --json: the reason on stderr, nothing on stdout', async () => {
    const r = await ws.as('bo', ['claim', 't-1']);
    expectExit(r, 1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cairn: claimed by ada until \d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
  });

  it('2: invalid input names the flag; --json carries the issues', async () => {
    const [text, json] = await Promise.all([
      ws.as('ada', ['claim', 't-1', '--lease', 'forever']),
      ws.as('ada', ['claim', 't-1', '--lease', 'forever', '--json']),
    ]);
    expectExit(text, 2);
    expect(text.stderr).toContain('--lease: must be a duration like 500ms');
    expect(text.stdout).toBe('');
    expectExit(json, 2);
    expect(json.json()).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringContaining('--lease'),
        issues: [{ field: '--lease', reason: expect.stringContaining('duration') }],
      },
    });
  });

  it('2: writing without an identity names --as', async () => {
    const r = await ws.run(['propose', 'Something', '--json']);
    expectExit(r, 2);
    expect(r.json().error.issues).toEqual([{ field: '--as', reason: expect.stringContaining('CAIRN_INSTANCE') }]);
  });

  it('2: unknown command and unknown option, with and without --json', async () => {
    const [command, option, commandJson, optionJson, globalOption, missingArg] = await Promise.all([
      ws.run(['frobnicate']),
      ws.run(['status', '--frob']),
      ws.run(['frobnicate', '--json']),
      ws.run(['status', '--frob', '--json']),
      ws.run(['--frob', 'status']),
      ws.as('ada', ['claim']),
    ]);
    expectExit(command, 2);
    expect(command.stderr).toContain("cairn: unknown command 'frobnicate'");
    expectExit(option, 2);
    expect(option.stderr).toContain("cairn: unknown option '--frob'");
    expectExit(globalOption, 2);
    expect(globalOption.stderr).toContain("unknown option '--frob'");
    expectExit(missingArg, 2);
    expect(missingArg.stderr).toContain("missing required argument 'task'");
    for (const r of [commandJson, optionJson]) {
      expectExit(r, 2);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'usage', message: expect.stringMatching(/unknown (command|option)/) } });
    }
  });

  it('2: no command at all shows the usage on stderr and says what is missing', async () => {
    const [text, json] = await Promise.all([ws.run([]), ws.run(['--json'])]);
    expectExit(text, 2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^Usage: cairn \[options\] \[command\]/);
    expect(text.stderr).toMatch(/\ncairn: no command given\n\(run with --help for usage\)\n$/);
    expectExit(json, 2);
    expect(json.json()).toEqual({ ok: false, error: { code: 'usage', message: 'no command given' } });
  });

  it('usage errors print the reason first, then the hint', async () => {
    const r = await ws.run(['frobnicate']);
    expect(r.stderr).toBe("cairn: unknown command 'frobnicate'\n(run with --help for usage)\n");
  });

  it('3: no log found when run outside any .cairn (reads and writes)', async () => {
    const nowhere = tempDir();
    const [read, write, json] = await Promise.all([
      cairn(['status'], { cwd: nowhere }),
      cairn(['propose', 'x', '--as', 'ada'], { cwd: nowhere }),
      cairn(['tasks', '--json'], { cwd: nowhere }),
    ]);
    for (const r of [read, write]) {
      expectExit(r, 3);
      expect(r.stderr).toContain('no cairn log found');
      expect(r.stderr).toContain('cairn init');
    }
    expectExit(json, 3);
    expect(json.json()).toMatchObject({ ok: false, error: { code: 'store_unavailable', message: expect.stringContaining('no cairn log found') } });
  });

  it('3: --store or CAIRN_STORE naming a file that is not a SQLite log, or no file at all', async () => {
    const dir = tempDir();
    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'these are not the events you are looking for\n');
    const [flag, env, missing, json] = await Promise.all([
      cairn(['status', '--store', notDb], { cwd: dir }),
      cairn(['log'], { cwd: dir, env: { CAIRN_STORE: notDb } }),
      cairn(['tasks', '--store', join(dir, 'missing.db')], { cwd: dir }),
      cairn(['status', '--store', notDb, '--json'], { cwd: dir }),
    ]);
    for (const r of [flag, env]) {
      expectExit(r, 3);
      expect(r.stderr).toContain(notDb);
      expect(r.stderr).toContain('not a SQLite database');
    }
    expectExit(missing, 3);
    expect(missing.stderr).toContain('missing.db');
    const underAFile = await cairn(['init', '--store', join(notDb, 'log.db')], { cwd: dir });
    expectExit(underAFile, 3);
    expect(underAFile.stderr).toMatch(/^cairn: cannot create a cairn log at .*notes\.txt\/log\.db: /);
    expect(underAFile.stderr.split('\n')).toHaveLength(2);
    expectExit(json, 3);
    expect(json.json().error.code).toBe('store_unavailable');
    expect(existsSync(join(dir, 'missing.db')), 'a read never creates a log').toBe(false);
  });

  it('--json prints exactly one JSON object for commands that answer with one', async () => {
    const results = await Promise.all([
      ws.run(['tasks', '--json']),
      ws.run(['status', '--json']),
      ws.run(['activity', '--json']),
      ws.run(['questions', '--json']),
      ws.run(['findings', '--json']),
      ws.as('ada', ['inbox', '--json']),
      ws.run(['replay', '--at', '1', '--json']),
      ws.as('ada', ['join', '--role', 'explorer', '--json']),
    ]);
    for (const r of results) {
      expectExit(r, 0);
      expect(r.json()).toBeTypeOf('object');
      expect(r.stderr).toBe('');
    }
  });
});

describe('init, finding the log, --store / CAIRN_STORE, --as / CAIRN_INSTANCE', () => {
  it('init creates .cairn/log.db; a second init leaves it alone', async () => {
    const dir = tempDir();
    const first = await cairn(['init', '--json'], { cwd: dir });
    expectExit(first, 0);
    expect(first.json()).toEqual({ store: join(dir, '.cairn', 'log.db'), created: true });
    expect(existsSync(join(dir, '.cairn', 'log.db'))).toBe(true);
    const [again, againText] = await Promise.all([cairn(['init', '--json'], { cwd: dir }), cairn(['init'], { cwd: dir })]);
    expect(again.json()).toEqual({ store: join(dir, '.cairn', 'log.db'), created: false });
    expect(againText.stdout).toBe(`cairn log already at ${join(dir, '.cairn', 'log.db')}\n`);
  });

  it('commands run from a subdirectory find the log by walking up', async () => {
    const ws = await workspace();
    const deep = join(ws.dir, 'src', 'deep', 'er');
    mkdirSync(deep, { recursive: true });
    const joined = await cairn(['join', '--role', 'explorer', '--as', 'ada'], { cwd: deep });
    expectExit(joined, 0);
    expect(joined.stdout).toBe('ada joined as explorer\n');
    const events = await ws.events();
    expect(events.map((e) => e.type)).toEqual(['InstanceJoined']);
    expect(existsSync(join(deep, '.cairn')), 'no second log is made').toBe(false);
  });

  it('--store and CAIRN_STORE override the log found upwards; --store wins over CAIRN_STORE', async () => {
    const ws = await workspace();
    const other = join(tempDir(), 'other.db');
    const third = join(tempDir(), 'third.db');
    expectExit(await cairn(['init', '--store', other]), 0);
    expectExit(await cairn(['init'], { env: { CAIRN_STORE: third } }), 0);
    expect(existsSync(other) && existsSync(third)).toBe(true);

    await Promise.all([
      ws.as('ada', ['join', '--role', 'explorer', '--store', other]),
      ws.as('bo', ['join', '--role', 'builder'], { env: { CAIRN_STORE: other } }),
      ws.as('cy', ['join', '--role', 'coordinator', '--store', third], { env: { CAIRN_STORE: other } }),
    ]);
    const [here, there, thirdLog] = await Promise.all([
      ws.run(['log', '--json']),
      ws.run(['log', '--json', '--store', other]),
      ws.run(['log', '--json'], { env: { CAIRN_STORE: third } }),
    ]);
    expect(here.lines()).toEqual([]);
    expect(there.lines().map((e) => e.metadata.instanceId).sort()).toEqual(['ada', 'bo']);
    expect(thirdLog.lines().map((e) => e.metadata.instanceId)).toEqual(['cy']);
  });

  it('a relative --store resolves against the working directory', async () => {
    const dir = tempDir();
    expectExit(await cairn(['init', '--store', 'logs/team.db'], { cwd: dir }), 0);
    expect(existsSync(join(dir, 'logs', 'team.db'))).toBe(true);
    expectExit(await cairn(['join', '--role', 'explorer', '--as', 'ada', '--store', 'logs/team.db'], { cwd: dir }), 0);
  });

  it('--as and CAIRN_INSTANCE name the caller; --as wins', async () => {
    const ws = await workspace();
    const [fromEnv, fromFlag] = await Promise.all([
      ws.run(['join', '--role', 'explorer', '--json'], { env: { CAIRN_INSTANCE: 'eve' } }),
      ws.run(['join', '--role', 'builder', '--as', 'bo', '--json'], { env: { CAIRN_INSTANCE: 'eve' } }),
    ]);
    expect(fromEnv.json()).toMatchObject({ instanceId: 'eve', role: 'explorer', changed: true });
    expect(fromFlag.json()).toMatchObject({ instanceId: 'bo', role: 'builder', changed: true });
    const proposed = await ws.run(['propose', 'From the environment', '--json'], { env: { CAIRN_INSTANCE: 'eve' } });
    expect(proposed.json().events[0].metadata).toMatchObject({ instanceId: 'eve', role: 'explorer' });
    const events = await ws.events();
    expect(events.map((e) => [e.type, e.metadata.instanceId]).sort()).toEqual([
      ['InstanceJoined', 'bo'],
      ['InstanceJoined', 'eve'],
      ['TaskProposed', 'eve'],
    ]);
  });
});
