import { describe, expect, it } from 'vitest';
import { expectExit, pooled, spawnCairn, untilOpened, workspace, type Workspace } from './run.js';

/**
 * Every read path, then a restatement: the pair must come out as an echo naming that read,
 * never as an independent convergence. One fresh log per path, run a few at a time.
 */

const CLAIM = 'Without a busy_timeout, a second SQLite writer gets SQLITE_BUSY immediately instead of waiting for the lock.';
const RESTATED = 'A second SQLite writer without a busy_timeout gets SQLITE_BUSY immediately rather than waiting for the lock.';

async function session(): Promise<Workspace> {
  const ws = await workspace();
  for (const [who, role] of [['ada', 'explorer'], ['bo', 'builder'], ['cy', 'reflector'], ['dan', 'explorer']] as const) {
    expectExit(await ws.as(who, ['join', '--role', role]), 0);
  }
  expectExit(await ws.as('ada', ['find', CLAIM, '--topic', 'sqlite', '--id', 'f-a']), 0);
  return ws;
}

/** bo restates the claim, and the pair's link as `convergence --json` reports it. */
async function restated(ws: Workspace, id = 'f-b') {
  expectExit(await ws.as('bo', ['find', RESTATED, '--topic', 'sqlite', '--id', id]), 0);
  const report = await ws.run(['convergence', '--json']);
  expectExit(report, 0);
  const r = report.json();
  const links = [...r.convergences, ...r.echoes].flatMap((c: { links: unknown[] }) => c.links) as { earlier: string; later: string; kind: string; reason: string; path?: unknown[]; anonymousRead?: unknown }[];
  const link = links.find((l) => l.earlier === 'f-a' && l.later === id);
  expect(link, JSON.stringify(r)).toBeDefined();
  return link!;
}

const PATHS: Record<string, { via: string; read(ws: Workspace): Promise<void> }> = {
  findings: { via: 'findings', read: async (ws) => expectExit(await ws.as('bo', ['findings']), 0) },
  log: { via: 'log', read: async (ws) => expectExit(await ws.as('bo', ['log']), 0) },
  advise: { via: 'advise', read: async (ws) => expectExit(await ws.as('bo', ['advise', 'make concurrent SQLite writers wait for the lock with busy_timeout']), 0) },
  replay: { via: 'replay', read: async (ws) => expectExit(await ws.as('bo', ['replay', '--at', '100', 'findings']), 0) },
  export: { via: 'export', read: async (ws) => expectExit(await ws.as('bo', ['export']), 0) },
  // health quotes findings in its evidence lines.
  health: { via: 'health', read: async (ws) => expectExit(await ws.as('bo', ['health']), 0) },
  inbox: {
    via: 'inbox',
    read: async (ws) => {
      expectExit(await ws.as('ada', ['say', 'writers need a timeout', '--to', 'bo']), 0);
      expectExit(await ws.as('bo', ['inbox']), 0);
    },
  },
  status: {
    via: 'status',
    read: async (ws) => {
      expectExit(await ws.as('ada', ['propose', 'Set busy_timeout on every connection']), 0);
      expectExit(await ws.as('bo', ['status']), 0);
    },
  },
  questions: {
    via: 'questions',
    read: async (ws) => {
      expectExit(await ws.as('ada', ['ask', 'Why do concurrent writers fail?']), 0);
      expectExit(await ws.as('bo', ['questions']), 0);
    },
  },
  convergence: {
    via: 'convergence',
    read: async (ws) => {
      expectExit(await ws.as('dan', ['find', CLAIM.replace('second', 'third'), '--id', 'f-d']), 0);
      expectExit(await ws.as('bo', ['convergence']), 0);
    },
  },
  "find's own report": {
    via: 'find',
    // bo's first restatement converges with f-a, and the report shows f-a to bo: the second is an echo.
    read: async (ws) => expectExit(await ws.as('bo', ['find', RESTATED.replace('second', 'later'), '--id', 'f-b0']), 0),
  },
  wait: {
    via: 'wait',
    read: async (ws) => {
      const waiting = spawnCairn(['wait', '--message', '--timeout', '30s', '--as', 'bo'], { cwd: ws.dir });
      await untilOpened(waiting.child, ws.store);
      expectExit(await ws.as('ada', ['say', 'writers need a timeout', '--to', 'bo']), 0);
      expectExit(await waiting.done, 0);
    },
  },
};

describe('every read path records what it showed, and a restatement after it is an echo naming the read', () => {
  it.each(Object.keys(PATHS))('%s', async (name) => {
    const path = PATHS[name]!;
    const ws = await session();
    await path.read(ws);
    const link = await restated(ws);
    expect(link.kind, link.reason).toBe('echo');
    expect(link.reason).toContain(`\`${path.via}\``);
    const shown = (await ws.events()).filter((e) => e.type === 'ContentShown' && e.data.instanceId === 'bo');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((e) => e.streamName === 'exposure-bo' && e.metadata.instanceId === 'bo')).toBe(true);
  });

  it('sync is exposure too, and the reason says so', async () => {
    const ws = await session();
    expectExit(await ws.as('bo', ['sync']), 0);
    expect((await restated(ws)).reason).toMatch(/^echo: bo had synced to position \d+/);
  });

  it('with no read between them the two findings converge', async () => {
    const ws = await session();
    expectExit(await ws.as('bo', ['tasks']), 0); // shows no content of ada's
    const link = await restated(ws);
    expect(link.kind).toBe('convergence');
    expect(link.anonymousRead).toBeUndefined();
  });
});

describe('exposure across instances and without an identity', () => {
  it('travels through a chain of messages across three instances, naming every hop', async () => {
    const ws = await session();
    expectExit(await ws.as('cy', ['findings']), 0);
    expectExit(await ws.as('cy', ['say', 'have a look at sqlite locking', '--to', 'dan', '--id', 'm-1']), 0);
    expectExit(await ws.as('dan', ['inbox']), 0);
    expectExit(await ws.as('dan', ['say', 'locking matters for your builder work', '--to', 'bo', '--id', 'm-2']), 0);
    expectExit(await ws.as('bo', ['inbox']), 0);
    const link = await restated(ws);
    expect(link.kind).toBe('echo');
    expect(link.reason).toMatch(
      /^echo: bo was shown dan's message m-2 by `inbox` \(at \d+\), and dan had been shown cy's message m-1 by `inbox` \(at \d+\), and cy had been shown finding f-a by `findings` \(at \d+\), before recording f-b$/,
    );
  });

  it('an anonymous read of the earlier finding is reported on the pair as uncertainty', async () => {
    const ws = await session();
    expectExit(await ws.run(['findings']), 0);
    const link = await restated(ws);
    expect(link.kind).toBe('convergence');
    expect(link.anonymousRead).toMatchObject({ via: 'findings' });
    expect(link.reason).toContain('a read without an identity (`findings`');
  });

  it('a read that shows nothing new appends nothing', async () => {
    const ws = await session();
    expectExit(await ws.as('bo', ['findings']), 0);
    const count = async () => (await ws.events()).filter((e) => e.type === 'ContentShown' && e.data.instanceId === 'bo').length;
    const once = await count();
    expectExit(await ws.as('bo', ['findings']), 0);
    expectExit(await ws.as('bo', ['log']), 0);
    expect(await count()).toBe(once);
    expectExit(await ws.as('ada', ['find', 'Checkpoints are rewritten at most every five seconds.', '--id', 'f-new']), 0);
    expectExit(await ws.as('bo', ['findings']), 0);
    const shown = (await ws.events()).filter((e) => e.type === 'ContentShown' && e.data.instanceId === 'bo');
    expect(shown).toHaveLength(once + 1);
    expect(shown[shown.length - 1]!.data.streams).toEqual(['finding-f-new']);
  });
});

describe('judge', () => {
  async function candidate() {
    const ws = await session();
    expectExit(await ws.as('dan', ['find', RESTATED, '--id', 'f-d']), 0);
    return ws;
  }

  it('records a judgment that convergence shows, and refuses authors and bad input with nothing appended', async () => {
    const ws = await candidate();
    const judged = await ws.as('cy', ['judge', 'f-a~f-d', '--same', '--reason', 'both: a second writer fails at once without busy_timeout', '--json']);
    expectExit(judged, 0);
    expect(judged.json()).toMatchObject({ link: 'f-a~f-d', verdict: 'same', judgment: { status: 'confirmed' } });
    const again = await ws.as('cy', ['judge', 'f-d~f-a', '--same', '--reason', 'both: a second writer fails at once without busy_timeout', '--json']);
    expect(again.json().events, 'the same judgment twice appends nothing').toEqual([]);
    const report = (await ws.run(['convergence', '--json'])).json();
    expect(report.judged).toMatchObject({ confirmed: 1, unjudged: 0 });

    const before = (await ws.events()).filter((e) => e.type !== 'ContentShown').length;
    const cases: [string[], number, RegExp][] = [
      [['judge', 'f-a~f-d', '--same', '--reason', 'mine', '--as', 'ada'], 1, /ada wrote f-a/],
      [['judge', 'f-a~f-d', '--reason', 'no verdict', '--as', 'cy'], 2, /verdict/],
      [['judge', 'f-a~f-d', '--same', '--different', '--reason', 'both', '--as', 'cy'], 2, /verdict/],
      [['judge', 'f-a~f-d', '--same', '--as', 'cy'], 2, /--reason/],
      [['judge', 'f-a', '--same', '--reason', 'x', '--as', 'cy'], 2, /<link>/],
      [['judge', 'f-a~f-zz', '--same', '--reason', 'x', '--as', 'cy'], 1, /unknown finding f-zz/],
    ];
    await pooled(cases, 3, async ([args, code, message]) => {
      const result = await ws.run(args);
      expectExit(result, code);
      expect(result.stderr).toMatch(message);
    });
    expect((await ws.events()).filter((e) => e.type !== 'ContentShown')).toHaveLength(before);
  });

  it('reminds a reflector of unjudged candidates in status and inbox', async () => {
    const ws = await candidate();
    const status = (await ws.as('cy', ['status', '--json'])).json();
    expect(status.unjudged.total).toBe(1);
    expect((await ws.as('cy', ['inbox'])).stdout).toMatch(/reminder: 1 candidate convergences await a judgment, e.g. f-a~f-d/);
    expect((await ws.as('bo', ['inbox'])).stdout).not.toMatch(/reminder/);
    expectExit(await ws.as('cy', ['judge', 'f-a~f-d', '--different', '--reason', 'one is about a timeout, the other about locks']), 0);
    expect((await ws.as('cy', ['status', '--json'])).json().unjudged.total).toBe(0);
    const health = (await ws.run(['health', '--json'])).json();
    expect(health.matcher).toMatchObject({ judged: 1, rejected: 1, precision: 0 });
  });
});
