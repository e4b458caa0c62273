import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOfWork } from '../../bench/support/month.js';
import { DEFAULT_LIMIT } from '../../src/app/page.js';
import { expectExit, tempDir, workspace, type Workspace } from '../cli/run.js';
import { connectStdio } from '../mcp/stdio-client.js';
import { json, testServer, type TestServer } from '../server/server.js';

/**
 * Every listing is bounded by default and walks the whole set with a cursor, each item
 * exactly once, on every surface: the CLI, HTTP, MCP and the dashboard's views.
 */

const EVENTS = 4_000;
const PAGE = 37;

function monthFile(): string {
  const file = join(tempDir('cairn-month-'), 'month.ndjson');
  writeFileSync(file, [...monthOfWork({ events: EVENTS, seed: 5 })].map((e) => JSON.stringify(e)).join('\n') + '\n');
  return file;
}

interface Listing {
  command: string[];
  /** The items of one page, by id. */
  ids(page: any): string[];
}

const LISTINGS: Listing[] = [
  { command: ['tasks', '--all'], ids: (p) => p.tasks.map((t: any) => t.taskId) },
  { command: ['tasks', '--status', 'completed'], ids: (p) => p.tasks.map((t: any) => t.taskId) },
  { command: ['findings'], ids: (p) => [...p.findings.map((f: any) => f.findingId), ...p.syntheses.map((s: any) => s.synthesisId)] },
  { command: ['findings', '--by', 'ada'], ids: (p) => [...p.findings.map((f: any) => f.findingId), ...p.syntheses.map((s: any) => s.synthesisId)] },
  { command: ['questions'], ids: (p) => p.questions.map((q: any) => q.questionId) },
  { command: ['inbox', '--all', '--as', 'ada'], ids: (p) => p.messages.map((m: any) => m.messageId) },
  // zed joins after the month: every broadcast to all and to builders is unread, oldest first.
  { command: ['inbox', '--as', 'zed'], ids: (p) => p.messages.map((m: any) => m.messageId) },
];

/** Pages through a listing with `fetchPage(cursor)` until `next` is null. */
async function walk(fetchPage: (cursor: string | undefined) => Promise<any>, ids: (page: any) => string[]): Promise<{ seen: string[]; total: number; pages: number }> {
  const seen: string[] = [];
  let cursor: string | undefined;
  let total = -1;
  let pages = 0;
  for (;;) {
    const page = await fetchPage(cursor);
    pages++;
    seen.push(...ids(page));
    total = page.page.total;
    if (page.page.next === null) return { seen, total, pages };
    expect(page.page.returned).toBe(PAGE);
    cursor = page.page.next;
  }
}

describe('bounded listings with cursors', () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await workspace();
    expectExit(await ws.run(['import', monthFile()]), 0);
    expectExit(await ws.as('zed', ['join', '--role', 'builder']), 0);
  }, 60_000);

  for (const listing of LISTINGS) {
    it(`${listing.command.join(' ')}: bounded by default; --limit and --cursor walk the whole set exactly once`, async () => {
      const everything = await ws.run([...listing.command, '--json', '--limit', '10000']);
      expectExit(everything, 0);
      const all = listing.ids(everything.json());
      expect(all.length).toBeGreaterThan(PAGE);

      const first = await ws.run([...listing.command.filter((a) => a !== '--all'), '--json']);
      expectExit(first, 0);
      const page = first.json();
      expect(listing.ids(page).length).toBeLessThanOrEqual(DEFAULT_LIMIT);
      expect(page.page.total).toBeGreaterThanOrEqual(listing.ids(page).length);
      expect(Buffer.byteLength((await ws.run(listing.command.filter((a) => a !== '--all'))).stdout)).toBeLessThan(32 * 1024);

      const walked = await walk(async (cursor) => {
        const r = await ws.run([...listing.command, '--json', '--limit', String(PAGE), ...(cursor ? ['--cursor', cursor] : [])]);
        expectExit(r, 0);
        return r.json();
      }, listing.ids);
      expect(walked.total).toBe(all.length);
      expect(new Set(walked.seen).size).toBe(walked.seen.length);
      expect([...walked.seen].sort()).toEqual([...all].sort());
      expect(walked.pages).toBe(Math.ceil(all.length / PAGE));
    });
  }

  it('log: --limit and --cursor walk the history in order, exactly once', async () => {
    const all = (await ws.events()).map((e) => e.position);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const r = await ws.run(['log', '--json', '--limit', '997', ...(cursor ? ['--cursor', cursor] : [])]);
      expectExit(r, 0);
      seen.push(...r.lines<{ position: string }>().map((e) => e.position));
      const more = /--cursor (\d+)/.exec(r.stderr);
      if (!more) break;
      cursor = more[1];
    }
    // Reads append what they showed as they go: the walk saw at least every event there was before it.
    expect(seen.slice(0, all.length)).toEqual(all);
  });

  it('every read command stays under 32 KiB by default on a long log', async () => {
    for (const command of [['status'], ['tasks'], ['findings'], ['questions'], ['inbox', '--as', 'ada'], ['activity'], ['convergence'], ['health'], ['log'], ['replay', '--at', String(EVENTS)]]) {
      const r = await ws.run(command);
      expectExit(r, 0);
      expect(Buffer.byteLength(r.stdout), command.join(' ')).toBeLessThan(32 * 1024);
    }
    const status = (await ws.run(['status', '--json'])).json();
    expect(status.counts.findings).toBeGreaterThan(500);
    expect(status.open.length).toBeLessThanOrEqual(10);
  });

  it('convergence shows the newest members and links of a cluster and says how many it holds', async () => {
    const [largest] = (await ws.run(['convergence', '--json', '--limit', '2'])).json().convergences as { members: unknown[]; sizes: { members: number; links: number } }[];
    expect(largest!.sizes.members).toBeGreaterThan(largest!.members.length);
    const text = await ws.run(['convergence', '--limit', '2']);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`: ${largest!.sizes.members} findings and ${largest!.sizes.links} links, the newest shown$`));
  });
});

describe('the same pages over HTTP, MCP and the dashboard', () => {
  let server: TestServer;
  let mcp: Client;

  beforeAll(async () => {
    server = await testServer();
    expectExit(await server.local(['import', monthFile()]), 0);
    mcp = await connectStdio({ CAIRN_STORE: server.store, CAIRN_INSTANCE: 'ada' });
  }, 60_000);
  afterAll(async () => {
    await mcp?.close();
    await server?.stop();
  });

  it('POST /api/ops/findings walks every finding and synthesis once', async () => {
    const ids = (p: any) => [...p.findings.map((f: any) => f.findingId), ...p.syntheses.map((s: any) => s.synthesisId)];
    const all = ids(await (await server.fetch('/api/ops/findings', json({ all: true }))).json());
    const walked = await walk(async (cursor) => (await server.fetch('/api/ops/findings', json({ limit: PAGE, ...(cursor ? { cursor } : {}) }))).json(), ids);
    expect(walked.seen.sort()).toEqual(all.sort());
    const bad = await server.fetch('/api/ops/findings', json({ cursor: 'soon' }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('cursor');
  });

  it('the inbox tool walks every message once', async () => {
    const call = async (args: Record<string, unknown>) => {
      const result = (await mcp.callTool({ name: 'inbox', arguments: args })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      return result.structuredContent as Record<string, any>;
    };
    const ids = (p: any) => p.messages.map((m: any) => m.messageId);
    const all = ids(await call({ all: true }));
    expect(ids(await call({})).length).toBeLessThanOrEqual(DEFAULT_LIMIT);
    const walked = await walk((cursor) => call({ all: true, limit: PAGE, ...(cursor ? { cursor } : {}) }), ids);
    expect(walked.seen.sort()).toEqual(all.sort());
  });

  it("the dashboard's live views show the newest items with the count of all", async () => {
    const body = await (await server.fetch('/api/views?view=tasks,findings,inbox,questions')).json();
    for (const [view, list] of [['findings', 'findings'], ['inbox', 'messages'], ['questions', 'questions']] as const) {
      expect(body.views[view][list].length, view).toBeLessThanOrEqual(50);
      expect(body.views[view].page.total, view).toBeGreaterThanOrEqual(body.views[view][list].length);
    }
    expect(body.views.findings.page.total).toBeGreaterThan(500);
    // The task board: at most 50 of each column, and how many each status holds.
    const { tasks, counts } = body.views.tasks as { tasks: { status: string }[]; counts: Record<string, number> };
    for (const column of [['open'], ['claimed'], ['completed', 'abandoned']]) expect(tasks.filter((t) => column.includes(t.status)).length).toBeLessThanOrEqual(50);
    expect(counts.open! + counts.claimed! + counts.completed! + counts.abandoned!).toBeGreaterThan(tasks.length);
    expect(body.views.convergence).toBeUndefined();
    const bad = await server.fetch('/api/views?view=nope');
    expect(bad.status).toBe(400);
  });
});
