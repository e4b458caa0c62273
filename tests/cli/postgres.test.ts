/**
 * The CLI on a PostgreSQL log (CAIRN_STORE=postgres://…), each command its own process, as
 * agents on several machines run it: claim races, wait woken through NOTIFY, migrate round
 * trips, and bad input that appends nothing.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshLog, postgresServer, schemaOf, sql } from '../support/postgres.js';
import { cairn, expectExit, spawnCairn, tempDir, workspace, type RunOptions } from './run.js';

const server = await postgresServer('CLI on PostgreSQL');
const live = 'url' in server ? server : undefined;

/** Runs the CLI against one PostgreSQL log, with its own cache directory. */
function onPostgres(url: string) {
  const cache = tempDir('cairn-pg-cache-');
  const env = { CAIRN_STORE: url, XDG_CACHE_HOME: cache };
  const run = (args: string[], options: RunOptions = {}) => cairn(args, { ...options, env: { ...env, ...options.env } });
  return {
    url,
    env,
    run,
    as: (instance: string, args: string[]) => run([...args, '--as', instance]),
    /** The log's last position, read behind the CLI's back (even reads can record what they showed). */
    head: async () => (await sql<{ head: string }>(live!, `SELECT max(position)::text AS head FROM "${schemaOf(url)}".events`))[0]!.head,
  };
}

const RACERS = Array.from({ length: 8 }, (_, i) => `racer-${i + 1}`);

describe.skipIf(!live)('the CLI on PostgreSQL', () => {
  let pgLog: ReturnType<typeof onPostgres>;

  beforeAll(async () => {
    pgLog = onPostgres(freshLog(live!, 'cli'));
    const init = await pgLog.run(['init', '--json']);
    expectExit(init, 0);
    expect(init.json()).toEqual({ store: `postgres://127.0.0.1:5432/cairn_test?schema=${schemaOf(pgLog.url)}`, created: true });
    expect((await pgLog.run(['init'])).stdout).toMatch(/^cairn log already at postgres:\/\/127\.0\.0\.1:5432\/cairn_test\?schema=t_cli_\w+\n$/);
    const joins = await Promise.all(RACERS.map((racer) => pgLog.as(racer, ['join', '--role', 'builder'])));
    for (const j of joins) expectExit(j, 0);
  });

  it('8 processes claim one task at once: exactly one wins, the others are told who holds it', async () => {
    expectExit(await pgLog.as('racer-1', ['propose', 'The one task', '--id', 't-one']), 0);
    const results = await Promise.all(RACERS.map((racer) => pgLog.as(racer, ['claim', 't-one', '--lease', '30m'])));
    const winners = results.flatMap((r, i) => (r.code === 0 ? [RACERS[i]!] : []));
    expect(winners, results.map((r) => `${r.code} ${r.stdout}${r.stderr}`).join('')).toHaveLength(1);
    const leaseUntil = /until (\S+)\)/.exec(results[RACERS.indexOf(winners[0]!)]!.stdout)![1]!;
    for (const [i, r] of results.entries()) {
      if (RACERS[i] === winners[0]) continue;
      expectExit(r, 1);
      expect(r.stderr).toBe(`cairn: claimed by ${winners[0]} until ${leaseUntil}\n`);
    }
    const log = await pgLog.run(['log', '--json', '--limit', '1000']);
    const claims = log.lines<{ streamName: string; type: string; data: { owner: string } }>().filter((e) => e.streamName === 'task-t-one' && e.type === 'TaskClaimed');
    expect(claims.map((e) => e.data.owner)).toEqual(winners);
  });

  it('wait in one process is woken by a claim in another, through NOTIFY', async () => {
    expectExit(await pgLog.as('racer-2', ['propose', 'Wake me', '--id', 't-wake']), 0);
    const waiter = spawnCairn(['wait', '--task', 't-wake', '--state', 'claimed', '--timeout', '30s', '--json'], { env: pgLog.env });
    // Listening: its LISTEN connection is open (no polling is involved at all).
    const listening = `LISTEN "cairn_${schemaOf(pgLog.url)}"`;
    for (let i = 0; i < 300; i++) {
      if ((await sql(live!, 'SELECT 1 FROM pg_stat_activity WHERE query = $1', [listening])).length > 0) break;
      await sleep(20);
    }
    expect(waiter.child.exitCode).toBeNull();
    const claim = await pgLog.as('racer-3', ['claim', 't-wake', '--json']);
    expectExit(claim, 0);
    const woke = await waiter.done;
    expectExit(woke, 0);
    expect(woke.json()).toMatchObject({ matched: 'task t-wake is claimed', already: false, event: { type: 'TaskClaimed', data: { taskId: 't-wake', owner: 'racer-3' } } });
    expect(woke.exitedAt - claim.exitedAt).toBeLessThan(1000); // woken by the commit, not its 30 s timeout
  });

  it('bad input is refused naming the field, exit 2, and nothing is appended', async () => {
    const before = await pgLog.head();
    const bad = await pgLog.as('racer-1', ['propose', 'Fine title', '--tag', 'two words']);
    expectExit(bad, 2);
    expect(bad.stderr).toMatch(/--tag/);
    expect(await pgLog.head()).toBe(before);
  });

  it('migrate round trip SQLite -> PostgreSQL -> SQLite: the same events, verified by identical hashes', async () => {
    const ws = await workspace();
    await Promise.all([ws.as('ada', ['join', '--role', 'explorer']), ws.as('bo', ['join', '--role', 'builder'])]);
    for (const args of [
      ['propose', 'Map the retry paths — ünïcode ✓', '--id', 't-1', '--tag', 'uploads', '--as', 'ada'],
      ['claim', 't-1', '--as', 'bo'],
      ['ask', 'Why do uploads stall?', '--id', 'q-1', '--as', 'ada'],
      ['find', 'Retries ignore Retry-After', '--question', 'q-1', '--id', 'f-1', '--as', 'ada'],
      ['sync', '--as', 'bo'],
      ['find', 'Retry-After is ignored by the client', '--question', 'q-1', '--id', 'f-2', '--as', 'bo'],
      ['say', 'quotes " and \\ and a\nnewline', '--to', 'role:builder', '--as', 'ada'],
      ['done', 't-1', '--outcome', 'mapped', '--as', 'bo'],
    ]) {
      expectExit(await ws.run(args), 0);
    }
    const target = freshLog(live!, 'migrate');
    const there = await ws.run(['migrate', '--to', target, '--json']);
    expectExit(there, 0);
    const out = there.json<{ copied: number; total: number; sourceHash: string; targetHash: string }>();
    expect(out.copied).toBe(out.total);
    expect(out.targetHash).toBe(out.sourceHash);

    const back = join(tempDir('cairn-pg-back-'), 'log.db');
    const home = onPostgres(target);
    const returned = await home.run(['migrate', '--to', back, '--json']);
    expectExit(returned, 0);
    const again = returned.json<{ copied: number; sourceHash: string; targetHash: string }>();
    expect(again.copied).toBe(out.total);
    expect(again.targetHash).toBe(again.sourceHash);
    // The same log all the way round: every event, with its id, stream, revision, data, metadata and position.
    expect(again.sourceHash).toBe(out.sourceHash);
    const original = await ws.run(['log', '--json', '--limit', '1000']);
    const roundTripped = await cairn(['log', '--json', '--limit', '1000', '--store', back]);
    expect(roundTripped.lines()).toEqual(original.lines());
    // And it is a log the CLI works on, on PostgreSQL.
    const board = await home.run(['findings', '--json']);
    expectExit(board, 0);
    expect((board.json<{ findings: { findingId: string }[] }>().findings ?? []).map((f) => f.findingId).sort()).toEqual(['f-1', 'f-2']);
  });
});

