import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, cairn, expectExit, tempDir, workspace, type LoggedEvent, type Workspace } from './run.js';

/** The read models replay can show; others may register more. */
const PROJECTIONS = ['tasks', 'activity', 'inbox', 'questions', 'findings'];

/** A short history whose positions the tests refer to. */
describe('history: replay, export and import', () => {
  let ws: Workspace;
  let events: LoggedEvent[];
  const at = (type: string, stream?: string) => events.find((e) => e.type === type && (!stream || e.streamName === stream))!;

  beforeAll(async () => {
    ws = await workspace();
    const steps: string[][] = [
      ['ada', 'join', '--role', 'explorer'],
      ['ada', 'propose', 'Map the retry paths', '--id', 't-1'],
      ['bo', 'join', '--role', 'builder'],
      ['bo', 'claim', 't-1', '--lease', '30m'],
      ['ada', 'say', 'Builders, see t-1', '--to', 'role:builder', '--id', 'm-1'],
      ['ada', 'ask', 'Why do uploads stall?', '--id', 'q-1'],
      ['bo', 'sync'],
      ['bo', 'find', 'Retries ignore Retry-After', '--question', 'q-1', '--topic', 'uploads', '--id', 'f-1'],
      ['bo', 'inbox', '--mark-read'],
      ['bo', 'done', 't-1', '--outcome', 'mapped'],
    ];
    for (const [as, ...args] of steps) expectExit(await ws.as(as!, args), 0);
    events = await ws.events();
    expect(events).toHaveLength(steps.length);
  });

  describe('replay', () => {
    it('--at an earlier position shows the earlier state: the task open before it was claimed', async () => {
      const proposed = at('TaskProposed');
      const claimed = at('TaskClaimed');
      const [before, after, end] = await Promise.all([
        ws.run(['replay', '--at', proposed.position, 'tasks', '--json']),
        ws.run(['replay', '--at', claimed.position, 'tasks', '--json']),
        ws.run(['replay', '--at', events[events.length - 1]!.position, 'tasks', '--json']),
      ]);
      expectExit(before, 0);
      expect(before.json()).toMatchObject({ at: proposed.position, position: proposed.position, now: proposed.metadata.at });
      expect(Object.keys(before.json().views)).toEqual(['tasks']);
      expect(before.json().views.tasks.tasks).toEqual([expect.objectContaining({ taskId: 't-1', status: 'open', owner: null })]);
      expect(after.json().views.tasks.tasks).toEqual([expect.objectContaining({ taskId: 't-1', status: 'claimed', owner: 'bo' })]);
      expect(end.json().views.tasks.tasks).toEqual([expect.objectContaining({ taskId: 't-1', status: 'completed', outcome: 'mapped' })]);
    });

    it('--at a time folds the events up to that moment', async () => {
      const proposed = at('TaskProposed');
      const [atProposal, beforeAll_, text] = await Promise.all([
        ws.run(['replay', '--at', proposed.metadata.at, 'tasks', '--json']),
        ws.run(['replay', '--at', '2000-01-01T00:00:00Z', 'tasks', '--json']),
        ws.run(['replay', '--at', proposed.metadata.at, 'tasks']),
      ]);
      expectExit(atProposal, 0);
      expect(atProposal.json()).toMatchObject({ at: proposed.metadata.at, position: proposed.position, now: proposed.metadata.at });
      expect(atProposal.json().views.tasks.tasks).toEqual([expect.objectContaining({ taskId: 't-1', status: 'open' })]);
      expect(beforeAll_.json().views.tasks.tasks).toEqual([]);
      expectExit(text, 0);
      expect(JSON.parse(text.stdout)).toEqual(atProposal.json());
    });

    it('every projection can be replayed at a position and at a time', async () => {
      const message = at('MessagePosted');
      const cases = PROJECTIONS.flatMap((name) => [
        { name, point: message.position },
        { name, point: message.metadata.at },
      ]);
      const results = await Promise.all(cases.map(({ name, point }) => ws.run(['replay', '--at', point, name, '--json'])));
      results.forEach((r, i) => {
        expectExit(r, 0);
        const { name } = cases[i]!;
        expect(Object.keys(r.json().views)).toEqual([name]);
        expect(r.json().views[name].position).toBe(message.position);
      });
      const view = (name: string) => results[PROJECTIONS.indexOf(name) * 2]!.json().views[name];
      expect(view('inbox').messages.map((m: { messageId: string }) => m.messageId)).toEqual(['m-1']);
      expect(view('activity').instances.map((i: { instanceId: string }) => i.instanceId)).toEqual(['ada', 'bo']);
      expect(view('questions').questions, 'asked after the message').toEqual([]);
      expect(view('findings').findings).toEqual([]);
      expect(view('tasks').tasks).toEqual([expect.objectContaining({ status: 'claimed', owner: 'bo' })]);

      const all = await ws.run(['replay', '--at', events[events.length - 1]!.position, '--json']);
      expect(Object.keys(all.json().views)).toEqual(expect.arrayContaining(PROJECTIONS));
      expect(all.json().views.findings.findings).toEqual([expect.objectContaining({ findingId: 'f-1' })]);
      expect(all.json().views.questions.questions).toEqual([expect.objectContaining({ questionId: 'q-1', findings: ['f-1'] })]);
    });

    it('an unknown projection exits 2 listing the valid names', async () => {
      const [text, json] = await Promise.all([ws.run(['replay', '--at', '3', 'nope']), ws.run(['replay', '--at', '3', 'nope', '--json'])]);
      expectExit(text, 2);
      expect(text.stderr).toContain('unknown projection "nope"');
      for (const name of PROJECTIONS) expect(text.stderr).toContain(name);
      expectExit(json, 2);
      expect(json.json().error).toMatchObject({ code: 'invalid_input', issues: [{ field: expect.stringContaining('projection') }] });
    });

    it('--limit, --cursor and --all page a listing as it stood then; a cursor for the whole board exits 2 naming the field', async () => {
      const end = events[events.length - 1]!.position;
      const first = await ws.run(['replay', '--at', end, 'questions', '--limit', '1', '--json']);
      expectExit(first, 0);
      expect(first.json().views.questions).toMatchObject({ questions: [expect.objectContaining({ questionId: 'q-1' })], page: { returned: 1, total: 1, next: null } });
      const after = await ws.run(['replay', '--at', end, 'questions', '--cursor', at('QuestionPosed').position, '--json']);
      expectExit(after, 0);
      expect(after.json().views.questions).toMatchObject({ questions: [], page: { returned: 0, total: 1, remaining: 0 } });
      const inbox = await ws.run(['replay', '--at', end, 'inbox', '--all', '--json']);
      expectExit(inbox, 0);
      expect(inbox.json().views.inbox.messages.map((m: { messageId: string }) => m.messageId)).toEqual(['m-1']);
      const refused = await ws.run(['replay', '--at', end, '--cursor', '3']);
      expectExit(refused, 2);
      expect(refused.stderr).toContain('cursor');
    });
  });

  describe('export and import', () => {
    let exported: string;

    beforeAll(async () => {
      const out = await ws.run(['export']);
      expectExit(out, 0);
      exported = out.stdout;
      // Reads are recorded: the log now also holds the earlier replays' records, and, after the
      // export's snapshot, the record of the export itself (everything, read without an identity).
      const logged = await ws.events();
      expect(logged.at(-1)).toMatchObject({ type: 'ContentShown', metadata: { instanceId: 'anonymous' }, data: { via: 'export', everything: true } });
      events = logged.slice(0, -1);
    });

    /** What must survive a round trip: everything but the positions, in the same order. */
    const withoutPositions = (list: LoggedEvent[]) => list.map(({ position: _position, ...rest }) => rest);

    it('export writes one line per event, to stdout or --out', async () => {
      const lines = exported.trim().split('\n').map((line) => JSON.parse(line) as { id: string; position: string });
      expect(lines.map((e) => e.id)).toEqual(events.map((e) => e.metadata.eventId));
      expect(lines.map((e) => e.position)).toEqual(events.map((e) => e.position));
      const file = join(tempDir(), 'log.ndjson');
      const toFile = await ws.run(['export', '--out', file, '--json']);
      expectExit(toFile, 0);
      // The second export also holds the first one's record, and nothing else new.
      expect(toFile.json()).toEqual({ exported: events.length + 1, file });
      const written = readFileSync(file, 'utf8');
      expect(written.startsWith(exported)).toBe(true);
      expect(JSON.parse(written.slice(exported.length))).toMatchObject({ type: 'ContentShown', data: { via: 'export' } });
    });

    it('import into a fresh log round-trips: same ids, same order, same log apart from positions; a second import is a no-op', async () => {
      const dir = tempDir();
      const file = join(dir, 'log.ndjson');
      writeFileSync(file, exported);
      const store = join(dir, 'copy.db');
      expectExit(await cairn(['init', '--store', store]), 0);

      const first = await cairn(['import', file, '--store', store, '--json']);
      expectExit(first, 0);
      expect(first.json()).toEqual({ imported: events.length, skipped: 0 });
      const copied = (await cairn(['log', '--json', '--store', store])).lines<LoggedEvent>();
      expect(copied.map((e) => e.metadata.eventId)).toEqual(events.map((e) => e.metadata.eventId));
      expect(withoutPositions(copied)).toEqual(withoutPositions(events));

      const [again, text] = await Promise.all([
        cairn(['import', file, '--store', store, '--json']),
        cairn(['import', '-', '--store', store], { input: exported }),
      ]);
      expectExit(again, 0);
      expect(again.json()).toEqual({ imported: 0, skipped: events.length });
      expectExit(text, 0);
      expect(text.stdout).toBe(`imported 0 events, ${events.length} already present\n`);
      expect((await cairn(['log', '--json', '--store', store])).lines()).toHaveLength(events.length);

      const [replayed, original] = await Promise.all([
        cairn(['replay', '--at', at('TaskClaimed').position, '--store', store, '--json']),
        ws.run(['replay', '--at', at('TaskClaimed').position, '--json']),
      ]);
      expect(replayed.json().views).toEqual(original.json().views);
    });

    it('import into a log that already has events keeps "what had it seen" true by translating positions', async () => {
      const dir = tempDir();
      const store = join(dir, 'busy.db');
      expectExit(await cairn(['init', '--store', store]), 0);
      expectExit(await cairn(['join', '--role', 'coordinator', '--as', 'cy', '--store', store]), 0);
      const imported = await cairn(['import', '-', '--store', store, '--json'], { input: exported });
      expect(imported.json()).toEqual({ imported: events.length, skipped: 0 });
      const copied = (await cairn(['log', '--json', '--store', store])).lines<LoggedEvent>();
      expect(copied.slice(1).map((e) => e.metadata.eventId)).toEqual(events.map((e) => e.metadata.eventId));
      const sync = copied.find((e) => e.type === 'InstanceSynced')!;
      const original = at('InstanceSynced');
      expect(BigInt(sync.data.upTo)).toBe(BigInt(original.data.upTo) + 1n);
      const finding = copied.find((e) => e.type === 'FindingRecorded')!;
      expect(finding.metadata.seenUpTo).toBe(sync.data.upTo);
    });

    it('an export whose streams already hold other events in the target is refused (exit 1), not an internal error', async () => {
      const store = join(tempDir(), 'other.db');
      expectExit(await cairn(['init', '--store', store]), 0);
      expectExit(await cairn(['join', '--role', 'builder', '--as', 'ada', '--store', store]), 0);
      const refused = await cairn(['import', '-', '--store', store, '--json'], { input: exported });
      expectExit(refused, 1);
      expect(refused.json().error).toMatchObject({ code: 'import_conflict', message: expect.stringContaining('instance-ada') });
      expect((await cairn(['log', '--json', '--store', store])).lines()).toHaveLength(1);
    });

    it('a conflict found late in the export (bo\'s stream, after ada\'s events) still imports nothing', async () => {
      const store = join(tempDir(), 'other.db');
      expectExit(await cairn(['init', '--store', store]), 0);
      expectExit(await cairn(['join', '--role', 'builder', '--as', 'bo', '--store', store]), 0);
      const refused = await cairn(['import', '-', '--store', store, '--json'], { input: exported });
      expectExit(refused, 1);
      expect(refused.json().error).toMatchObject({ code: 'import_conflict', message: expect.stringContaining('nothing was imported') });
      expect(refused.json().error.message).toContain('instance-bo');
      expect((await cairn(['log', '--json', '--store', store])).lines()).toHaveLength(1);
    });

    it('an export with one corrupted line imports nothing and names the line (exit 2)', async () => {
      const lines = exported.trim().split('\n');
      const brokenJson = [...lines.slice(0, 4), lines[4]!.slice(0, 20), ...lines.slice(5)].join('\n');
      const badField = lines.map((line, i) => (i === 6 ? line.replace('"type":"', '"type":"Not') : line)).join('\n');
      const dir = tempDir();
      const store = join(dir, 'target.db');
      expectExit(await cairn(['init', '--store', store]), 0);

      const [json, field] = await Promise.all([
        cairn(['import', '-', '--store', store, '--json'], { input: brokenJson }),
        cairn(['import', '-', '--store', store], { input: badField }),
      ]);
      expectExit(json, 2);
      expect(json.json().error).toMatchObject({ code: 'invalid_input', issues: [{ field: 'line 5', reason: 'is not valid JSON' }] });
      expectExit(field, 2);
      expect(field.stderr).toMatch(/^cairn: line 7: type: must be one of /);
      expect((await cairn(['log', '--json', '--store', store])).lines()).toEqual([]);

      const missing = await cairn(['import', join(dir, 'no-such-file.ndjson'), '--store', store]);
      expectExit(missing, 2);
      expect(missing.stderr).toContain('<file>: cannot be read');
    });
  });
});

describe('export into a pipe that closes early', () => {
  it('stops quietly, as Unix tools do (`cairn export | head -1`)', async () => {
    const ws = await workspace();
    const meta = (i: number) => ({ eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, instanceId: 'ada', role: 'explorer', at: '2026-01-01T00:00:00.000Z', seenUpTo: '0', schemaVersion: 1 });
    const lines = Array.from({ length: 2_000 }, (_, i) =>
      JSON.stringify({ id: meta(i + 1).eventId, type: 'FindingRecorded', streamName: `finding-f-${i}`, revision: '0', position: String(i + 1), data: { findingId: `f-${i}`, by: 'ada', summary: `Finding number ${i} says something long enough to fill a pipe buffer quickly`, tags: [], cites: [] }, metadata: meta(i + 1) }),
    );
    expectExit(await ws.run(['import', '-'], { input: `${lines.join('\n')}\n` }), 0);
    const piped = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${CLI}" export | head -1`], { cwd: ws.dir, encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout).type).toBe('FindingRecorded');
  });
});
