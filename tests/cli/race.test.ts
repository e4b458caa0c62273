import { beforeAll, describe, expect, it } from 'vitest';
import { expectExit, workspace, type CairnResult, type Workspace } from './run.js';

const RACERS = Array.from({ length: 8 }, (_, i) => `racer-${i + 1}`);

/** A fixed permutation per racer, so that every task is contested from several directions. */
function orderFor(racer: number, items: string[]): string[] {
  const rotated = [...items.slice(racer % items.length), ...items.slice(0, racer % items.length)];
  return racer % 2 === 0 ? rotated : rotated.reverse();
}

describe('racing claims from separate processes', () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await workspace();
    // Joining concurrently is itself a race on one log (different streams).
    const joins = await Promise.all(RACERS.map((racer) => ws.as(racer, ['join', '--role', 'builder'])));
    for (const j of joins) expectExit(j, 0);
    expect((await ws.events()).filter((e) => e.type === 'InstanceJoined')).toHaveLength(RACERS.length);
  });

  it('8 processes claim one task at once: exactly one wins, the others are told who holds it', async () => {
    expectExit(await ws.as('racer-1', ['propose', 'The one task', '--id', 't-one']), 0);
    const results = await Promise.all(RACERS.map((racer) => ws.as(racer, ['claim', 't-one', '--lease', '30m'])));
    const winners = results.flatMap((r, i) => (r.code === 0 ? [RACERS[i]!] : []));
    expect(winners, results.map((r) => `${r.code} ${r.stdout}${r.stderr}`).join('')).toHaveLength(1);
    const winner = winners[0]!;
    const won = results[RACERS.indexOf(winner)]!;
    const leaseUntil = /until (\S+)\)/.exec(won.stdout)![1]!;
    expect(won.stdout).toBe(`claimed t-one (owner ${winner} until ${leaseUntil})\n`);
    for (const [i, r] of results.entries()) {
      if (RACERS[i] === winner) continue;
      expectExit(r, 1);
      expect(r.stderr).toBe(`cairn: claimed by ${winner} until ${leaseUntil}\n`);
    }
    const claims = (await ws.events()).filter((e) => e.streamName === 'task-t-one' && e.type === 'TaskClaimed');
    expect(claims.map((e) => e.data.owner)).toEqual([winner]);
  });

  it('8 processes each claim every one of several tasks in a different order: each task gets exactly one owner', async () => {
    const taskIds = ['t-a', 't-b', 't-c', 't-d'];
    const proposed = await Promise.all(taskIds.map((id) => ws.as('racer-2', ['propose', `Task ${id}`, '--id', id])));
    for (const p of proposed) expectExit(p, 0);

    const attempts: { racer: string; task: string; result: CairnResult }[] = [];
    await Promise.all(
      RACERS.map(async (racer, r) => {
        for (const task of orderFor(r, taskIds)) {
          attempts.push({ racer, task, result: await ws.as(racer, ['claim', task, '--lease', '30m']) });
        }
      }),
    );
    expect(attempts).toHaveLength(RACERS.length * taskIds.length);

    const [board, events] = await Promise.all([ws.run(['tasks', '--json']), ws.events()]);
    const owners = new Map<string, string>(board.json().tasks.map((t: { taskId: string; owner: string }) => [t.taskId, t.owner]));
    for (const task of taskIds) {
      const forTask = attempts.filter((a) => a.task === task);
      const winners = forTask.filter((a) => a.result.code === 0);
      expect(winners.map((w) => w.racer), `${task}: ${forTask.map((a) => `${a.racer}=${a.result.code}${a.result.stderr}`).join(' ')}`).toHaveLength(1);
      const winner = winners[0]!.racer;
      expect(owners.get(task)).toBe(winner);
      for (const loser of forTask.filter((a) => a.racer !== winner)) {
        expectExit(loser.result, 1);
        expect(loser.result.stderr).toMatch(new RegExp(`^cairn: claimed by ${winner} until \\S+Z\\n$`));
      }
      const claims = events.filter((e) => e.streamName === `task-${task}` && e.type === 'TaskClaimed');
      expect(claims.map((e) => e.data.owner), `${task}: exactly one TaskClaimed`).toEqual([winner]);
      expect(events.filter((e) => e.streamName === `task-${task}` && e.type !== 'TaskProposed')).toHaveLength(1);
    }
    // Revisions per stream are dense and positions unique: nothing was lost or duplicated.
    const positions = events.map((e) => e.position);
    expect(new Set(positions).size).toBe(positions.length);
    const streams = new Map<string, string[]>();
    for (const e of events) streams.set(e.streamName, [...(streams.get(e.streamName) ?? []), e.revision]);
    for (const [stream, revisions] of streams) expect(revisions, stream).toEqual(revisions.map((_, i) => String(i)));
  });

  it('racing joins of one instance append one InstanceJoined; racing proposals of one id create it once', async () => {
    const [joins, proposals] = await Promise.all([
      Promise.all(RACERS.map(() => ws.as('twin', ['join', '--role', 'explorer', '--json']))),
      Promise.all(RACERS.map((racer) => ws.as(racer, ['propose', `Proposed by ${racer}`, '--id', 't-same', '--json']))),
    ]);
    for (const j of joins) expectExit(j, 0);
    expect(joins.filter((j) => j.json().changed)).toHaveLength(1);
    const won = proposals.filter((p) => p.code === 0);
    expect(won).toHaveLength(1);
    for (const p of proposals.filter((p) => p.code !== 0)) {
      expectExit(p, 1);
      expect(p.json().error).toMatchObject({ code: 'already_exists', message: 'task t-same already exists' });
    }
    const events = await ws.events();
    expect(events.filter((e) => e.streamName === 'instance-twin')).toHaveLength(1);
    expect(events.filter((e) => e.streamName === 'task-t-same').map((e) => e.data.title)).toEqual([won[0]!.json().events[0].data.title]);
  });
});
