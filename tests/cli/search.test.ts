import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshLog, postgresServer, schemaOf, sql } from '../support/postgres.js';
import { cairn, expectExit, tempDir, workspace, type Workspace } from './run.js';

/** What the instances wrote, with answers known in advance: only f-pool says "pool" three times. */
const SESSION: [string, string[]][] = [
  ['ada', ['join', '--role', 'explorer']],
  ['bo', ['join', '--role', 'builder']],
  ['rae', ['join', '--role', 'reflector']],
  ['ada', ['find', 'The connection pool is exhausted: the pool runs dry and the pool waits', '--topic', 'pools', '--tag', 'db', '--id', 'f-pool']],
  ['bo', ['find', 'Uploads retry immediately because the client ignores the Retry-After header', '--topic', 'uploads', '--id', 'f-retry']],
  ['ada', ['find', 'Lease renewals race with claims when clocks drift', '--topic', 'leases', '--id', 'f-lease']],
  ['bo', ['propose', 'Cap the connection pool at twenty and queue the rest', '--id', 't-pool', '--tag', 'db']],
  ['rae', ['ask', 'Why does the pool run dry under load?', '--id', 'q-pool']],
  ['bo', ['say', 'the pool size is set in config/db.yml', '--to', 'ada', '--id', 'm-pool']],
  ['rae', ['synthesize', 'Exhaustion and immediate retries are one problem: retries hold the pool', '--integrates', 'f-pool,f-retry', '--id', 's-pool']],
];

interface Result {
  kind: string;
  by: string;
  role: string;
  position: string;
  score: number;
  findingId?: string;
  synthesisId?: string;
  questionId?: string;
  taskId?: string;
  messageId?: string;
}
interface Answer {
  results: Result[];
  page: { returned: number; total: number; remaining: number; next: string | null };
}
const idOf = (r: Result) => r.findingId ?? r.synthesisId ?? r.questionId ?? r.taskId ?? r.messageId;

let ws: Workspace;
const search = async (args: string[]): Promise<Answer> => {
  const result = await ws.run(['search', ...args, '--json']);
  expectExit(result, 0);
  return result.json<Answer>();
};

beforeAll(async () => {
  ws = await workspace();
  for (const [as, args] of SESSION) expectExit(await ws.as(as, args), 0);
});

describe('cairn search', () => {
  it('ranks the best match first: every word must appear, stemmed', async () => {
    const pool = await search(['pool']);
    expect(pool.results.map(idOf)[0]).toBe('f-pool');
    expect(pool.results.map(idOf).sort()).toEqual(['f-pool', 'm-pool', 'q-pool', 's-pool', 't-pool']);
    const scores = pool.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Stemmed: "retries" finds "retry"; all words must appear.
    expect((await search(['retries'])).results.map(idOf).sort()).toEqual(['f-retry', 's-pool']);
    expect((await search(['connection', 'pool'])).results.map(idOf).sort()).toEqual(['f-pool', 't-pool']);
    expect((await search(['Retry-After', 'header'])).results.map(idOf)).toEqual(['f-retry']);
    expect((await search(['nothing', 'like', 'this'])).results).toEqual([]);
  });

  it('filters by kind, author, role, topic and time', async () => {
    expect((await search(['pool', '--kind', 'task'])).results.map(idOf)).toEqual(['t-pool']);
    expect((await search(['pool', '--by', 'bo'])).results.map(idOf).sort()).toEqual(['m-pool', 't-pool']);
    expect((await search(['pool', '--role', 'reflector'])).results.map(idOf).sort()).toEqual(['q-pool', 's-pool']);
    expect((await search(['pool', '--topic', 'Pools'])).results.map(idOf)).toEqual(['f-pool']);
    const all = (await search(['pool'])).results;
    const question = all.find((r) => idOf(r) === 'q-pool')!.position;
    expect((await search(['pool', '--since', question])).results.map(idOf).sort()).toEqual(['m-pool', 'q-pool', 's-pool']);
    expect((await search(['pool', '--until', question])).results.map(idOf).sort()).toEqual(['f-pool', 'q-pool', 't-pool']);
  });

  it('is bounded, and a cursor walks every match exactly once, in order', async () => {
    const whole = (await search(['pool', '--limit', '200'])).results.map(idOf);
    const walked: (string | undefined)[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await search(['pool', '--limit', '2', ...(cursor ? ['--cursor', cursor] : [])]);
      expect(page.results.length).toBeLessThanOrEqual(2);
      expect(page.page.total).toBe(5);
      walked.push(...page.results.map(idOf));
      cursor = page.page.next;
    } while (cursor);
    expect(walked).toEqual(whole);
    // New matches after the first page do not shift the walk: pages answer as of its head.
    const first = await search(['pool', '--limit', '2']);
    expectExit(await ws.as('bo', ['find', 'pool pool pool pool', '--id', 'f-more']), 0);
    const second = await search(['pool', '--limit', '2', '--cursor', first.page.next!]);
    expect(second.results.map(idOf)).toEqual(whole.slice(2, 4));
    // The text for people: a table, and how to go on.
    const text = await ws.run(['search', 'pool', '--limit', '2']);
    expect(text.stdout).toMatch(/^kind\s+id\s+by\s+score\s+text/);
    expect(text.stdout).toMatch(/… \d+ more of \d+ \(--cursor \d+:2\)/);
  });

  it('records what it showed as a read by the searcher', async () => {
    expectExit(await ws.as('rae', ['search', 'lease', 'renewals']), 0);
    const shown = (await ws.events()).filter((e) => e.type === 'ContentShown' && e.data.via === 'search' && e.data.instanceId === 'rae');
    expect(shown.flatMap((e) => e.data.streams)).toContain('finding-f-lease');
  });

  it('refuses bad queries with exit 2, naming the field, and appends nothing', async () => {
    const before = (await ws.events()).length;
    for (const [args, field] of [
      [['search', '!!! ???'], 'query'],
      [['search', 'pool', '--cursor', 'abc'], '--cursor'],
      [['search', 'pool', '--limit', '0'], '--limit'],
      [['search', 'pool', '--kind', 'blob'], '--kind'],
      [['search', 'pool', '--since', 'yesterday'], '--since'],
      [['search', 'x'.repeat(501)], 'query'],
    ] as const) {
      const result = await ws.as('bo', [...args]);
      expectExit(result, 2);
      expect(result.stderr).toContain(field);
    }
    expect((await ws.events()).length).toBe(before);
  });
});

const server = await postgresServer('search on PostgreSQL');
const live = 'url' in server ? server : undefined;

describe.skipIf(!live)('cairn search on a PostgreSQL log', () => {
  it("uses PostgreSQL's own full-text index, and answers exactly as on SQLite for the same log", async () => {
    const file = join(tempDir(), 'session.ndjson');
    const exported = await ws.run(['export']);
    expectExit(exported, 0);
    writeFileSync(file, exported.stdout);
    const env = { CAIRN_STORE: freshLog(live!, 'search'), XDG_CACHE_HOME: tempDir('cairn-pg-cache-') };
    expectExit(await cairn(['init'], { env }), 0);
    expectExit(await cairn(['import', file], { env }), 0);
    for (const args of [['pool'], ['pool', '--kind', 'finding'], ['retries'], ['pool', '--by', 'bo'], ['pool', '--limit', '2']]) {
      const onPostgres = await cairn(['search', ...args, '--json'], { env });
      expectExit(onPostgres, 0);
      const strip = (a: Answer) => ({ ids: a.results.map(idOf), scores: a.results.map((r) => r.score.toFixed(9)), total: a.page.total });
      expect(strip(onPostgres.json<Answer>()), args.join(' ')).toEqual(strip(await search(args)));
    }
    // The index is PostgreSQL's, in the log's schema, caught up with the whole log.
    const schema = schemaOf(env.CAIRN_STORE);
    const [indexed] = await sql<{ docs: string; mark: string; head: string }>(
      live!,
      `SELECT (SELECT count(*) FROM "${schema}".search)::text AS docs, (SELECT value FROM "${schema}".log_info WHERE key = 'search_indexed_up_to') AS mark, (SELECT max(position) FROM "${schema}".events)::text AS head`,
    );
    const content = ['FindingRecorded', 'SynthesisPublished', 'QuestionPosed', 'TaskProposed', 'MessagePosted'];
    expect(Number(indexed!.docs)).toBe(exported.stdout.trim().split('\n').filter((line) => content.includes((JSON.parse(line) as { type: string }).type)).length);
    expect(indexed!.mark).toBe(indexed!.head);
    const [plan] = await sql<{ plan: string }>(live!, `SELECT count(*)::text AS plan FROM "${schema}".search WHERE terms @@ to_tsquery('simple', 'pool')`);
    expect(Number(plan!.plan)).toBe((await search(['pool'])).page.total);
    // An index of other words (an older cairn's) is emptied and rebuilt by the next search.
    await sql(live!, `UPDATE "${schema}".log_info SET value = '0' WHERE key = 'search_words_version'; DELETE FROM "${schema}".search WHERE position % 2 = 0`);
    const again = await cairn(['search', 'pool', '--json'], { env });
    expect(again.json<Answer>().results.map(idOf)).toEqual((await search(['pool'])).results.map(idOf));
    const [rebuilt] = await sql<{ docs: string }>(live!, `SELECT count(*)::text AS docs FROM "${schema}".search`);
    expect(rebuilt!.docs).toBe(indexed!.docs);
  });
});

describe('cairn search --by-meaning', () => {
  it('re-ranks the best matches by their embeddings, with a provider configured; without one it says what is missing', async () => {
    // A local embedding provider speaking Ollama's protocol: a dimension per sense of "pool".
    const DATABASE = /\b(pool|connections?|database)\b/g;
    const WATER = /\b(water|swimmers|warm)\b/g;
    const provider = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        const text = String((JSON.parse(raw) as { prompt: string }).prompt).toLowerCase();
        const embedding = [(text.match(DATABASE) ?? []).length, (text.match(WATER) ?? []).length, 0.01];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ embedding }));
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    try {
      const env = { CAIRN_EMBEDDINGS: `ollama:http://127.0.0.1:${(provider.address() as AddressInfo).port}/senses` };
      const meant = await workspace();
      expectExit(await meant.as('ada', ['join', '--role', 'explorer']), 0);
      expectExit(await meant.as('ada', ['find', 'The pool pool was warm water for the swimmers', '--id', 'f-swim'], { env }), 0);
      expectExit(await meant.as('ada', ['find', 'The connection pool ran out of database connections', '--id', 'f-db'], { env }), 0);
      const ids = (r: { stdout: string }) => (JSON.parse(r.stdout) as Answer).results.map(idOf);
      // By words, the pool that says "pool" twice comes first; by meaning, the database's.
      expect(ids(await meant.run(['search', 'pool', '--json']))).toEqual(['f-swim', 'f-db']);
      const byMeaning = await meant.run(['search', 'pool', '--by-meaning', '--json'], { env });
      expectExit(byMeaning, 0);
      expect(ids(byMeaning)).toEqual(['f-db', 'f-swim']);
      expect((JSON.parse(byMeaning.stdout) as { results: { meaning: number }[] }).results[0]!.meaning).toBeGreaterThan(0.99);
      const without = await meant.run(['search', 'pool', '--by-meaning']);
      expectExit(without, 2);
      expect(without.stderr).toContain('CAIRN_EMBEDDINGS');
    } finally {
      await new Promise<void>((resolve) => provider.close(() => resolve()));
    }
  });
});
