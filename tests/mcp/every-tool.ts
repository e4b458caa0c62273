import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';

export const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
export const text = (result: CallToolResult) => (result.content[0] as { text: string }).text;

/** A successful call's structured result; its last text block says the same, for clients that read text only. */
export const ok = (result: CallToolResult) => {
  expect(result.isError, text(result)).toBeFalsy();
  const structured = result.structuredContent as Record<string, any>;
  expect(JSON.parse((result.content.at(-1) as { text: string }).text)).toEqual(structured);
  return structured;
};

/**
 * Every tool, called as three agents would on an empty log, whatever the transport: ada
 * (explorer) and bo (builder) work, cy (reflector) judges and leaves. The clients must have
 * listed the tools first, so the SDK holds each result to its tool's output schema.
 */
export async function everyTool({ ada, bo, cy }: { ada: Client; bo: Client; cy: Client }): Promise<void> {
  expect(ok(await call(ada, 'join', { role: 'explorer' }))).toMatchObject({ instanceId: 'ada', role: 'explorer' });
  ok(await call(bo, 'join', { role: 'builder' }));
  const proposed = ok(await call(ada, 'propose', { title: 'Map the retry paths in the uploader', tags: ['uploads'] }));
  const task = proposed.taskId as string;
  expect(ok(await call(bo, 'claim', { task, lease: '30m' }))).toMatchObject({ taskId: task, owner: 'bo' });
  expect(ok(await call(bo, 'renew', { task, lease: '1h' }))).toMatchObject({ owner: 'bo' });
  expect(ok(await call(bo, 'release', { task, reason: 'handing over' })).status).toBe('open');
  ok(await call(ada, 'claim', { task }));
  expect(ok(await call(ada, 'complete', { task, outcome: 'mapped' })).status).toBe('completed');
  const found = ok(await call(ada, 'find', { summary: 'Retries ignore the Retry-After header', topic: 'uploads' }));
  expect(found.events[0].metadata.instanceId).toBe('ada');
  const second = ok(await call(bo, 'find', { summary: 'The client retries at once and ignores the Retry-After header', topic: 'uploads' }));
  // bo had seen nothing of ada's: an independent convergence.
  const [match] = second.converges as { earlier: string; later: string }[];
  expect(match).toMatchObject({ earlier: found.findingId, later: second.findingId });
  ok(await call(ada, 'say', { body: 'look at the retry loop', to: 'role:builder' }));
  const inbox = ok(await call(bo, 'inbox', { markRead: true }));
  expect(inbox.messages.map((m: { body: string }) => m.body)).toEqual(['look at the retry loop']);
  expect(ok(await call(bo, 'sync')).findings.length).toBeGreaterThan(0);
  expect(ok(await call(ada, 'wait', { task, state: 'completed', timeout: '1s' }))).toMatchObject({ already: true });
  expect(ok(await call(ada, 'status')).instances.map((i: { instanceId: string }) => i.instanceId)).toEqual(expect.arrayContaining(['ada', 'bo']));
  expect(ok(await call(ada, 'convergence')).convergences).toHaveLength(1);
  expect(ok(await call(ada, 'health'))).toHaveProperty('signals');
  expect(ok(await call(bo, 'advise', { text: 'Map the retry paths in the uploader' }))).toHaveProperty('decision');
  ok(await call(cy, 'join', { role: 'reflector' }));
  const judged = ok(await call(cy, 'judge', { link: `${match!.earlier}~${match!.later}`, same: true, reason: 'both say the retry loop ignores Retry-After' }));
  expect(judged.judgment.status).toBe('confirmed');
  // An author may not judge its own finding: a refusal, as a tool error.
  expect(text(await call(ada, 'judge', { link: `${match!.earlier}~${match!.later}`, same: true, reason: 'mine' }))).toMatch(/^own_finding: /);
  const asked = ok(await call(cy, 'ask', { text: 'Why do uploads stall under load?' }));
  expect(ok(await call(bo, 'questions')).questions.map((q: { questionId: string }) => q.questionId)).toEqual([asked.questionId]);
  const listed = ok(await call(bo, 'findings', { limit: 1 }));
  expect(listed.findings).toHaveLength(1);
  expect(listed.page).toMatchObject({ returned: 1, total: 2 });
  const ids = ok(await call(bo, 'findings')).findings.map((f: { findingId: string }) => f.findingId);
  expect(ok(await call(cy, 'synthesize', { summary: 'Both see the retry loop ignore Retry-After', integrates: ids })).synthesisId).toMatch(/^s-/);
  expect(ok(await call(cy, 'close_question', { question: asked.questionId, resolution: 'the retry loop' })).questionId).toBe(asked.questionId);
  const rewrite = ok(await call(ada, 'propose', { title: 'Rewrite the uploader in Rust' })).taskId as string;
  ok(await call(ada, 'claim', { task: rewrite }));
  expect(ok(await call(ada, 'abandon', { task: rewrite, reason: 'not worth it' })).status).toBe('abandoned');
  expect(ok(await call(bo, 'tasks', { status: 'abandoned' })).tasks.map((t: { taskId: string }) => t.taskId)).toEqual([rewrite]);
  expect(ok(await call(bo, 'activity')).instances.map((i: { instanceId: string }) => i.instanceId)).toEqual(expect.arrayContaining(['ada', 'bo', 'cy']));
  expect(ok(await call(bo, 'log', { limit: 3 })).events).toHaveLength(3);
  expect(ok(await call(bo, 'replay', { at: String(found.position), projection: 'findings' })).views.findings.findings).toHaveLength(1);
  // News since the last look: ada's first call shows bo's convergence with her finding; the second, nothing.
  const news = ok(await call(ada, 'hook', { limit: 10 }));
  expect(news.items.map((i: { kind: string }) => i.kind)).toContain('convergence');
  expect(ok(await call(ada, 'hook')).items).toEqual([]);
  const searched = ok(await call(bo, 'search', { query: 'retry-after header', kind: 'finding' }));
  expect(searched.results.map((r: { findingId: string }) => r.findingId).sort()).toEqual([found.findingId, second.findingId].sort());
  expect(ok(await call(cy, 'leave'))).toMatchObject({ instanceId: 'cy' });
  // The text a client shows first is what the CLI prints, before the JSON.
  expect(text(await call(ada, 'tasks', { all: true }))).toMatch(/task\s+status/);
}
