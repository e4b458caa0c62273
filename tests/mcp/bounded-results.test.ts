/**
 * What an agent reads is bounded however long the log's texts are: agents record findings of
 * 4,000 characters, post messages of 10,000 and describe tasks at length, and every read tool
 * still answers within 32 KiB by default, as the CLI's default output does. Listings stop
 * their page early and continue with a cursor; answers that gather several kinds shorten
 * their longest texts and say so.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monthOfWork } from '../../bench/support/month.js';
import { DEFAULT_LIMIT } from '../../src/app/page.js';
import { expectExit, tempDir } from '../cli/run.js';
import { connectStdio } from './stdio-client.js';
import { joinAs, json, testServer, type TestServer } from '../server/server.js';

const KIB32 = 32 * 1024;
const long = (n: number, words: string) => (words + ' ').repeat(Math.ceil(n / (words.length + 1))).slice(0, n).trim();

/** Every read tool with what it needs. */
const READS: [string, Record<string, unknown>][] = [
  ['status', {}],
  ['tasks', {}],
  ['findings', {}],
  ['inbox', {}],
  ['questions', {}],
  ['activity', {}],
  ['convergence', {}],
  ['health', {}],
  ['log', {}],
  ['search', { query: 'checksum journal' }],
  ['advise', { text: 'the checksum of the journal is wrong after a restart' }],
  ['replay', { at: '3000' }],
  ['sync', {}],
];

describe('read tools answer within 32 KiB, however long the texts', () => {
  let server: TestServer;
  let mcp: Client;
  let kim: string;

  beforeAll(async () => {
    server = await testServer();
    const file = join(tempDir('cairn-month-'), 'month.ndjson');
    writeFileSync(file, [...monthOfWork({ events: 3_000, seed: 9 })].map((e) => JSON.stringify(e)).join('\n') + '\n');
    expectExit(await server.local(['import', file]), 0);
    const bo = (kim = await joinAs(server, 'kim', 'builder'));
    const cy = await joinAs(server, 'lou', 'explorer');
    const post = async (op: string, body: Record<string, unknown>, token: string) => {
      const response = await server.fetch(`/api/ops/${op}`, json(body, token));
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as Record<string, any>;
    };
    // Findings of 4,000 characters that say the same thing, from two instances who never met: clusters of long texts.
    for (let i = 0; i < 8; i++) {
      await post('find', { summary: long(4_000, `The journal checksum breaks after restart ${i}`), topic: 'journal' }, i % 2 ? bo : cy);
    }
    for (let i = 0; i < 35; i++) await post('say', { body: long(10_000, `message ${i}: the restart log follows`), to: 'ada' }, bo);
    for (let i = 0; i < 12; i++) {
      const task = await post('propose', { title: `Rebuild the journal index ${i}`, description: long(10_000, `step ${i} of the rebuild`) }, cy);
      if (i % 2) await post('claim', { task: task.taskId }, bo);
      else await post('complete', { task: (await post('claim', { task: task.taskId }, cy)).taskId, outcome: long(10_000, 'done and verified') }, cy);
    }
    mcp = await connectStdio({ CAIRN_STORE: server.store, CAIRN_INSTANCE: 'ada' });
    await mcp.listTools(); // so the client holds each result to its tool's output schema
  }, 120_000);
  afterAll(async () => {
    await mcp?.close();
    await server?.stop();
  });

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
    expect(result.isError, JSON.stringify(result.content).slice(0, 300)).toBeFalsy();
    return result;
  };
  const texts = (result: CallToolResult) => result.content.map((block) => (block as { text: string }).text);

  it('every read tool: the text blocks together and the structured result each stay within 32 KiB', async () => {
    for (const [name, args] of READS) {
      const result = await call(name, args);
      expect(Buffer.byteLength(texts(result).join('')), name).toBeLessThanOrEqual(KIB32);
      expect(Buffer.byteLength(JSON.stringify(result.structuredContent)), name).toBeLessThanOrEqual(KIB32);
      // The last block is the structured result itself, for clients that read text only.
      expect(JSON.parse(texts(result).at(-1)!), name).toEqual(result.structuredContent);
    }
  });

  it('every resource reads within 32 KiB', async () => {
    for (const uri of ['cairn://board', 'cairn://tasks', 'cairn://findings', 'cairn://findings/topic/journal', 'cairn://inbox', 'cairn://health']) {
      const { contents } = await mcp.readResource({ uri });
      expect(Buffer.byteLength((contents[0] as { text: string }).text), uri).toBeLessThanOrEqual(KIB32);
    }
  });

  it('an answer that gathers long texts keeps its shape, cuts them and says so; a limit asked for is given whole', async () => {
    const board = (await call('status', {})).structuredContent as Record<string, any>;
    expect(board.claimed.length).toBeGreaterThan(0);
    // The board lists tasks without their descriptions and outcomes: `tasks` has those.
    expect(board.claimed[0]).not.toHaveProperty('description');

    const clusters = (await call('convergence', {})).structuredContent as Record<string, any>;
    const summaries = [...clusters.convergences, ...clusters.echoes].flatMap((c: any) => c.members.map((m: any) => m.summary as string));
    expect(summaries.some((s) => s.startsWith('The journal checksum breaks'))).toBe(true);
    expect(clusters.shortened.maxChars).toBeLessThan(4_000);
    for (const summary of summaries) expect(summary.length).toBeLessThanOrEqual(clusters.shortened.maxChars);
    expect(summaries.some((s) => s.endsWith('…'))).toBe(true);

    const inbox = (await call('inbox', {})).structuredContent as Record<string, any>;
    expect(inbox.shortened).toBeUndefined();
    // A page of whole messages: fewer than the default count, and a cursor to the rest.
    expect(inbox.messages.length).toBeGreaterThan(0);
    expect(inbox.messages.length).toBeLessThan(DEFAULT_LIMIT);
    expect(inbox.page.next).not.toBeNull();
    const asked = (await call('inbox', { limit: 5, all: true })).structuredContent as Record<string, any>;
    expect(asked.messages.filter((m: any) => m.body.length >= 9_000)).toHaveLength(5);
  });

  it('default pages of long findings walk every finding exactly once with the cursor', async () => {
    const ids = (p: any) => [...p.findings.map((f: any) => f.findingId), ...p.syntheses.map((s: any) => s.synthesisId)];
    const all = ids(await (await server.fetch('/api/ops/findings', json({ all: true }))).json());
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await (await server.fetch('/api/ops/findings', json(cursor ? { cursor } : {}))).json();
      pages++;
      seen.push(...ids(page));
      if (page.page.next === null) break;
      cursor = page.page.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...all].sort());
    expect(pages).toBeGreaterThan(Math.ceil(all.length / DEFAULT_LIMIT));
  });

  it('sync goes through what is new a page at a time, oldest first, each recording only what it showed', async () => {
    const others = (await (await server.fetch('/api/ops/findings', json({ all: true }))).json()).findings.map((f: any) => f.findingId) as string[];
    const shown: string[] = [];
    let syncs = 0;
    for (let more = true; more; syncs++) {
      const digest = await (await server.fetch('/api/ops/sync', json({}, kim))).json();
      shown.push(...digest.findings.map((f: any) => f.findingId));
      expect(digest.findings.length + digest.messages.length + digest.tasks.length + digest.joined.length + digest.questions.length + digest.syntheses.length).toBeLessThanOrEqual(DEFAULT_LIMIT);
      // What it records as seen is where it stopped, not the head.
      const { events } = await (await server.fetch('/api/ops/log', json({ stream: 'instance-kim', limit: 100_000 }))).json();
      expect(events.filter((e: any) => e.type === 'InstanceSynced').at(-1).data.upTo).toBe(digest.upTo);
      more = digest.more;
    }
    expect(syncs).toBeGreaterThan(1);
    const mine = new Set((await (await server.fetch('/api/ops/findings', json({ all: true, by: 'kim' }))).json()).findings.map((f: any) => f.findingId));
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual(others.filter((id) => !mine.has(id)).sort());
  });

  it('the CLI prints every read within 32 KiB by default', async () => {
    for (const args of [['status'], ['tasks'], ['findings'], ['inbox', '--as', 'ada'], ['sync', '--as', 'lou'], ['search', 'journal checksum'], ['questions'], ['activity'], ['convergence'], ['health'], ['log'], ['replay', '--at', '3000']]) {
      const r = await server.local(args);
      expectExit(r, 0);
      expect(Buffer.byteLength(r.stdout), args.join(' ')).toBeLessThan(KIB32);
    }
  });
});
