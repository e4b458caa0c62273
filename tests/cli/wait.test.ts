import { beforeAll, describe, expect, it } from 'vitest';
import { expectExit, spawnCairn, untilOpened, workspace, type Workspace } from './run.js';

/** Generous: this only proves the waiter is woken by the other process's commit, not by its timeout. Benchmarks measure the real latency. */
const WAKE_BOUND_MS = 1000;

describe('wait across processes', () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await workspace();
    await Promise.all([
      ws.as('ada', ['join', '--role', 'explorer']),
      ws.as('bo', ['join', '--role', 'builder']),
      ws.as('eve', ['join', '--role', 'reflector']),
    ]);
    await Promise.all([
      ws.as('bo', ['propose', 'Build the thing', '--id', 't-build']),
      ws.as('eve', ['ask', 'Why is it slow?', '--id', 'q-slow']),
      ws.as('ada', ['propose', 'Never finished', '--id', 't-never']),
    ]);
    expectExit(await ws.as('bo', ['claim', 't-build', '--lease', '30m']), 0);
  });

  /** Starts a waiter in its own process and resolves once it is watching the log. */
  async function startWaiter(args: string[]) {
    const waiter = spawnCairn(args, { cwd: ws.dir });
    await untilOpened(waiter.child, ws.store);
    return waiter;
  }

  it('wait --task T --state completed wakes when another process completes T, with the TaskCompleted event', async () => {
    const waiter = await startWaiter(['wait', '--task', 't-build', '--state', 'completed', '--timeout', '20s', '--json']);
    const done = await ws.as('bo', ['done', 't-build', '--outcome', 'built', '--json']);
    expectExit(done, 0);
    const woke = await waiter.done;
    expectExit(woke, 0);
    const result = woke.json();
    expect(result).toMatchObject({
      matched: 'task t-build is completed',
      already: false,
      event: { type: 'TaskCompleted', streamName: 'task-t-build', data: { taskId: 't-build', by: 'bo', outcome: 'built' } },
    });
    expect(result.event.metadata.eventId).toBe(done.json().events[0].metadata.eventId);
    expect(result.event.position).toBe(done.json().events[0].position);
    expect(woke.exitedAt - done.exitedAt).toBeLessThan(WAKE_BOUND_MS);
  });

  it('a condition that already holds returns at once with already: true', async () => {
    const [json, text] = await Promise.all([
      ws.run(['wait', '--task', 't-build', '--state', 'completed', '--timeout', '2s', '--json']),
      ws.run(['wait', '--task', 't-build', '--state', 'completed', '--timeout', '2s']),
    ]);
    expectExit(json, 0);
    expect(json.json()).toMatchObject({ matched: 'task t-build is completed', already: true, waitedMs: 0, event: { type: 'TaskCompleted' } });
    expectExit(text, 0);
    expect(text.stdout).toMatch(/^task t-build is completed \(already\) at \d+: TaskCompleted\n$/);
  });

  it('wait --message wakes on a say from another process', async () => {
    const waiter = await startWaiter(['wait', '--message', '--timeout', '20s', '--as', 'bo', '--json']);
    const said = await ws.as('ada', ['say', 'Ping from ada', '--to', 'role:builder', '--json']);
    expectExit(said, 0);
    const woke = await waiter.done;
    expectExit(woke, 0);
    expect(woke.json()).toMatchObject({
      matched: 'a message reaches bo',
      already: false,
      event: { type: 'MessagePosted', data: { messageId: said.json().messageId, from: 'ada', to: 'role:builder', body: 'Ping from ada' } },
    });
    expect(woke.exitedAt - said.exitedAt).toBeLessThan(WAKE_BOUND_MS);
  });

  it('wait --question Q --findings 2 wakes on the second finding, not the first', async () => {
    const waiter = await startWaiter(['wait', '--question', 'q-slow', '--findings', '2', '--timeout', '20s', '--json']);
    expectExit(await ws.as('ada', ['find', 'The cache is cold', '--question', 'q-slow', '--id', 'f-cold']), 0);
    expect(waiter.child.exitCode, 'one finding is not enough').toBeNull();
    const second = await ws.as('bo', ['find', 'The index is missing', '--question', 'q-slow', '--id', 'f-index']);
    expectExit(second, 0);
    const woke = await waiter.done;
    expectExit(woke, 0);
    expect(woke.json()).toMatchObject({ matched: 'question q-slow has 2 findings', already: false, event: { type: 'FindingRecorded', data: { findingId: 'f-index' } } });
    expect(woke.exitedAt - second.exitedAt).toBeLessThan(WAKE_BOUND_MS);

    const already = await ws.run(['wait', '--question', 'q-slow', '--findings', '1', '--json']);
    expect(already.json()).toMatchObject({ already: true, event: { data: { findingId: 'f-cold' } } });
  });

  it('wait --task T --state open wakes when the lease runs out, though nothing is appended', async () => {
    expectExit(await ws.as('ada', ['propose', 'Lease runs out', '--id', 't-lease']), 0);
    const claimed = await ws.as('ada', ['claim', 't-lease', '--lease', '2s', '--json']);
    expectExit(claimed, 0);
    const woke = await ws.run(['wait', '--task', 't-lease', '--state', 'open', '--timeout', '15s', '--json']);
    expectExit(woke, 0);
    const result = woke.json();
    expect(result).toMatchObject({ matched: 'task t-lease is open' });
    if (!result.already) expect(result.event, 'the claim whose lease ran out').toMatchObject({ type: 'TaskClaimed', position: claimed.json().events[0].position });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(claimed.json().leaseUntil));
  });

  it('times out with exit 124', async () => {
    const [json, text] = await Promise.all([
      ws.run(['wait', '--task', 't-never', '--state', 'completed', '--timeout', '500ms', '--json']),
      ws.as('eve', ['wait', '--message', '--timeout', '500ms']),
    ]);
    expectExit(json, 124);
    expect(json.json()).toEqual({ ok: false, error: { code: 'timeout', message: 'timed out after 500 ms' } });
    expectExit(text, 124);
    expect(text.stderr).toBe('cairn: timed out after 500 ms\n');
  });

  it('bad wait input exits 2 naming what is missing; unknown targets exit 1', async () => {
    const [none, noState, noFindings, two, unknownTask, unknownQuestion] = await Promise.all([
      ws.run(['wait', '--json']),
      ws.run(['wait', '--task', 't-build', '--json']),
      ws.run(['wait', '--question', 'q-slow', '--json']),
      ws.as('bo', ['wait', '--message', '--task', 't-build', '--state', 'open', '--json']),
      ws.run(['wait', '--task', 't-nope', '--state', 'open', '--timeout', '1s']),
      ws.run(['wait', '--question', 'q-nope', '--findings', '1', '--timeout', '1s']),
    ]);
    expectExit(none, 2);
    expect(none.json().error).toMatchObject({ code: 'invalid_input', issues: [{ field: 'condition', reason: expect.stringContaining('--task ID --state S') }] });
    expectExit(noState, 2);
    expect(noState.json().error.issues).toEqual([{ field: '--state', reason: 'is required with --task' }]);
    expectExit(noFindings, 2);
    expect(noFindings.json().error.issues).toEqual([{ field: '--findings', reason: 'is required with --question' }]);
    expectExit(two, 2);
    expect(two.json().error.issues[0].field).toBe('condition');
    expectExit(unknownTask, 1);
    expect(unknownTask.stderr).toBe('cairn: unknown task t-nope\n');
    expectExit(unknownQuestion, 1);
    expect(unknownQuestion.stderr).toBe('cairn: unknown question q-nope\n');
  });

  it('log --follow prints events appended by other processes as they come, and stops on SIGTERM', async () => {
    const follower = await startWaiter(['log', '--follow', '--json', '--type', 'TaskProposed']);
    const history = follower.stdout().trim().split('\n').length;
    const proposed = await ws.as('ada', ['propose', 'Followed', '--id', 't-followed', '--json']);
    expectExit(proposed, 0);
    const deadline = Date.now() + 10_000;
    while (!follower.stdout().includes('t-followed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    follower.child.kill('SIGTERM');
    const ended = await follower.done;
    expectExit(ended, 0);
    const lines = ended.lines();
    expect(lines).toHaveLength(history + 1);
    expect(lines[lines.length - 1]).toMatchObject({ type: 'TaskProposed', data: { taskId: 't-followed' }, position: proposed.json().events[0].position });
  });
});
