import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectExit, workspace, type LoggedEvent, type Workspace } from './run.js';

/**
 * One shared log played through the way agents use it, one process per command. The tests
 * run in order and build on each other, like the session they describe.
 */
describe('a full session through the CLI', () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await workspace();
    const joins = await Promise.all([
      ws.as('ada', ['join', '--role', 'explorer']),
      ws.as('bo', ['join', '--role', 'builder', '--description', 'writes the code']),
      ws.as('cy', ['join', '--role', 'coordinator']),
      ws.as('eve', ['join', '--role', 'reflector']),
    ]);
    for (const j of joins) expectExit(j, 0);
  });

  it('join: prints who joined as what; repeating it appends nothing; a new role appends RoleChanged', async () => {
    const again = await ws.as('ada', ['join', '--role', 'explorer']);
    expectExit(again, 0);
    expect(again.stdout).toBe('ada is already explorer\n');
    const againJson = await ws.as('ada', ['join', '--role', 'explorer', '--json']);
    expect(againJson.json()).toMatchObject({ instanceId: 'ada', role: 'explorer', changed: false, events: [] });

    const first = await ws.as('dan', ['join', '--role', 'explorer']);
    expect(first.stdout).toBe('dan joined as explorer\n');
    const changed = await ws.as('dan', ['join', '--role', 'builder', '--json']);
    expectExit(changed, 0);
    expect(changed.json()).toMatchObject({ instanceId: 'dan', role: 'builder', changed: true, events: [{ type: 'RoleChanged', data: { from: 'explorer', to: 'builder' } }] });

    const events = (await ws.events()).filter((e) => e.streamName === 'instance-dan');
    expect(events.map((e) => e.type)).toEqual(['InstanceJoined', 'RoleChanged']);
    expect(events[1]!.metadata.role).toBe('builder');
    expect((await ws.events()).filter((e) => e.streamName === 'instance-ada')).toHaveLength(1);
  });

  it('propose: --tag lists (repeated and comma-separated), --id, generated ids, no duplicate ids', async () => {
    const proposed = await ws.as('ada', ['propose', 'Map', 'the', 'retry', 'paths', '--tag', 'uploader', '--tag', 'retry,http', '--id', 't-map', '--json']);
    expectExit(proposed, 0);
    expect(proposed.json()).toMatchObject({
      taskId: 't-map',
      status: 'open',
      events: [{ type: 'TaskProposed', streamName: 'task-t-map', data: { taskId: 't-map', title: 'Map the retry paths', tags: ['uploader', 'retry', 'http'], proposedBy: 'ada' } }],
    });
    const [generated, duplicate] = await Promise.all([
      ws.as('bo', ['propose', 'Write a load generator', '--description', 'for the upload path']),
      ws.as('bo', ['propose', 'Same id again', '--id', 't-map']),
    ]);
    expectExit(generated, 0);
    expect(generated.stdout).toMatch(/^proposed t-[0-9a-z]{8}\n$/);
    expectExit(duplicate, 1);
    expect(duplicate.stderr).toBe('cairn: task t-map already exists\n');
  });

  it('claim, renew, release: one owner at a time; the owner re-claiming extends the lease', async () => {
    const claimed = await ws.as('bo', ['claim', 't-map', '--lease', '30m', '--json']);
    expectExit(claimed, 0);
    const { leaseUntil } = claimed.json();
    expect(claimed.json()).toMatchObject({ taskId: 't-map', status: 'claimed', owner: 'bo', events: [{ type: 'TaskClaimed' }] });
    expect(Date.parse(leaseUntil) - Date.parse(claimed.json().events[0].metadata.at)).toBe(30 * 60_000);

    const [taken, renewByOther, releaseByOther] = await Promise.all([
      ws.as('ada', ['claim', 't-map']),
      ws.as('ada', ['renew', 't-map']),
      ws.as('ada', ['release', 't-map']),
    ]);
    expectExit(taken, 1);
    expect(taken.stderr).toBe(`cairn: claimed by bo until ${leaseUntil}\n`);
    expectExit(renewByOther, 1);
    expect(renewByOther.stderr).toContain('cannot renew task t-map: it is claimed by bo');
    expectExit(releaseByOther, 1);
    expect(releaseByOther.stderr).toContain('cannot release task t-map: it is claimed by bo');

    const reclaimed = await ws.as('bo', ['claim', 't-map', '--lease', '1h', '--json']);
    expectExit(reclaimed, 0);
    expect(reclaimed.json()).toMatchObject({ owner: 'bo', events: [{ type: 'ClaimRenewed' }] });
    expect(Date.parse(reclaimed.json().leaseUntil)).toBeGreaterThan(Date.parse(leaseUntil));

    const renewed = await ws.as('bo', ['renew', 't-map', '--lease', '2h']);
    expectExit(renewed, 0);
    expect(renewed.stdout).toMatch(/^renewed t-map \(owner bo until \d{4}-[\d-]+T[\d:.]+Z\)\n$/);

    const released = await ws.as('bo', ['release', 't-map', '--reason', 'need to sleep']);
    expectExit(released, 0);
    expect(released.stdout).toBe('released t-map\n');
    const open = await ws.run(['tasks', '--status', 'open', '--json']);
    expect(open.json().tasks.find((t: { taskId: string }) => t.taskId === 't-map')).toMatchObject({ status: 'open', owner: null });
  });

  it('done and abandon: who may, and nothing happens to a closed or unknown task', async () => {
    await Promise.all([
      ws.as('ada', ['propose', 'Abandon me', '--id', 't-ab']),
      ws.as('ada', ['propose', 'Coordinator closes me', '--id', 't-co']),
    ]);
    const [notOwner, unknown, abandonByOther] = await Promise.all([
      ws.as('ada', ['done', 't-map']),
      ws.as('ada', ['claim', 't-nope']),
      ws.as('bo', ['abandon', 't-ab']),
    ]);
    expectExit(notOwner, 1);
    expect(notOwner.stderr).toContain('task t-map is not claimed: only its owner or a coordinator may complete it');
    expectExit(unknown, 1);
    expect(unknown.stderr).toBe('cairn: unknown task t-nope\n');
    expectExit(abandonByOther, 1);
    expect(abandonByOther.stderr).toContain('only its owner, its proposer (ada) or a coordinator may abandon it');

    expectExit(await ws.as('ada', ['claim', 't-map']), 0);
    const [done, abandoned, byCoordinator] = await Promise.all([
      ws.as('ada', ['done', 't-map', '--outcome', 'retries mapped in docs/retries.md', '--json']),
      ws.as('ada', ['abandon', 't-ab', '--reason', 'duplicate']),
      ws.as('cy', ['done', 't-co']),
    ]);
    expectExit(done, 0);
    expect(done.json()).toMatchObject({ taskId: 't-map', status: 'completed', events: [{ type: 'TaskCompleted', data: { by: 'ada', outcome: 'retries mapped in docs/retries.md' } }] });
    expect(abandoned.stdout).toBe('abandoned t-ab\n');
    expect(byCoordinator.stdout).toBe('completed t-co\n');

    const [claimClosed, doneTwice] = await Promise.all([ws.as('bo', ['claim', 't-map']), ws.as('ada', ['done', 't-map'])]);
    expectExit(claimClosed, 1);
    expect(claimClosed.stderr).toBe('cairn: task t-map is already completed\n');
    expectExit(doneTwice, 1);
  });

  it('a lease runs out: another instance may claim after it expired, and the board shows it stale', async () => {
    expectExit(await ws.as('ada', ['propose', 'Short lease', '--id', 't-short']), 0);
    const claimed = await ws.as('ada', ['claim', 't-short', '--lease', '1s', '--json']);
    expectExit(claimed, 0);
    const leaseUntil = Date.parse(claimed.json().leaseUntil);
    const early = await ws.as('bo', ['claim', 't-short']);
    if (Date.now() < leaseUntil - 100) {
      expectExit(early, 1);
      expect(early.stderr).toBe(`cairn: claimed by ada until ${claimed.json().leaseUntil}\n`);
    }
    await sleep(Math.max(0, leaseUntil - Date.now()) + 200);

    const [board, status, statusJson] = await Promise.all([ws.run(['tasks']), ws.run(['status']), ws.run(['status', '--json'])]);
    expect(board.stdout).toMatch(/t-short\s+open \(stale\)\s+\(ada\)\s+expired\s+Short lease/);
    expect(status.stdout).toMatch(/stale leases:\n {2}t-short last held by ada: Short lease/);
    expect(statusJson.json().stale).toEqual([expect.objectContaining({ taskId: 't-short', stale: true, lastOwner: 'ada' })]);

    const late = await ws.as('bo', ['claim', 't-short', '--lease', '30m', '--json']);
    expectExit(late, 0);
    expect(late.json()).toMatchObject({ owner: 'bo', events: [{ type: 'TaskClaimed', data: { owner: 'bo' } }] });
    const [lateRenew, stillMine] = await Promise.all([ws.as('ada', ['renew', 't-short']), ws.as('bo', ['claim', 't-short', '--lease', '30m'])]);
    expectExit(lateRenew, 1);
    expect(lateRenew.stderr).toContain('claimed by bo');
    expectExit(stillMine, 0);
  });

  it('tasks: open and claimed by default, --all, --status, --owner, with a lease countdown', async () => {
    const [active, all, completed, mine, text] = await Promise.all([
      ws.run(['tasks', '--json']),
      ws.run(['tasks', '--all', '--json']),
      ws.run(['tasks', '--status', 'completed', '--json']),
      ws.run(['tasks', '--owner', 'bo', '--json']),
      ws.run(['tasks']),
    ]);
    const ids = (r: typeof active) => r.json().tasks.map((t: { taskId: string }) => t.taskId).sort();
    const generated = all.json().tasks.find((t: { title: string }) => t.title === 'Write a load generator').taskId;
    expect(ids(active)).toEqual([generated, 't-short'].sort());
    expect(ids(all)).toEqual([generated, 't-ab', 't-co', 't-map', 't-short'].sort());
    expect(ids(completed)).toEqual(['t-co', 't-map']);
    expect(ids(mine)).toEqual(['t-short']);
    const short = active.json().tasks.find((t: { taskId: string }) => t.taskId === 't-short');
    expect(short.leaseRemainingMs).toBeGreaterThan(25 * 60_000);
    expect(short.leaseRemainingMs).toBeLessThanOrEqual(30 * 60_000);
    expect(text.stdout).toMatch(/^task\s+status\s+owner\s+lease\s+title/);
    expect(text.stdout).toMatch(/t-short\s+claimed\s+bo\s+(29m[0-5]\ds|30m00s|2\dm[0-5]\ds)\s+Short lease/);
    expect(text.stdout).not.toContain('t-map');
  });

  it('ask, questions, close-question', async () => {
    const asked = await ws.as('eve', ['ask', 'Why', 'do', 'uploads', 'stall?', '--tag', 'uploads', '--id', 'q-stall']);
    expectExit(asked, 0);
    expect(asked.stdout).toBe('asked q-stall\n');
    const [generated, duplicate] = await Promise.all([
      ws.as('eve', ['ask', 'What should we measure first?', '--json']),
      ws.as('ada', ['ask', 'Again', '--id', 'q-stall']),
    ]);
    expect(generated.json().questionId).toMatch(/^q-[0-9a-z]{8}$/);
    expectExit(duplicate, 1);
    expect(duplicate.stderr).toContain('question q-stall already exists');

    const closed = await ws.as('eve', ['close-question', generated.json().questionId, '--resolution', 'latency first']);
    expect(closed.stdout).toBe(`closed ${generated.json().questionId}\n`);
    const [open, closedList, closeTwice, closeUnknown] = await Promise.all([
      ws.run(['questions', '--status', 'open', '--json']),
      ws.run(['questions', '--status', 'closed', '--json']),
      ws.as('eve', ['close-question', generated.json().questionId]),
      ws.as('eve', ['close-question', 'q-nope']),
    ]);
    expect(open.json().questions.map((q: { questionId: string }) => q.questionId)).toEqual(['q-stall']);
    expect(closedList.json().questions.map((q: { questionId: string }) => q.questionId)).toEqual([generated.json().questionId]);
    expectExit(closeTwice, 1);
    expect(closeTwice.stderr).toContain('is already closed');
    expectExit(closeUnknown, 1);
    expect(closeUnknown.stderr).toContain('unknown question q-nope');
  });

  it('find: --topic, --tag, --question; --cites and --question must exist; findings filters', async () => {
    const first = await ws.as('ada', ['find', "Retries ignore the server's Retry-After header", '--topic', 'uploader', '--tag', 'http', '--question', 'q-stall', '--id', 'f-1', '--json']);
    expectExit(first, 0);
    expect(first.json()).toMatchObject({ findingId: 'f-1', events: [{ type: 'FindingRecorded', data: { findingId: 'f-1', by: 'ada', topic: 'uploader', tags: ['http'], cites: [], questionId: 'q-stall' } }] });
    const firstPosition = first.json().position as string;

    const [second, badCite, badQuestion] = await Promise.all([
      ws.as('bo', ['find', 'The client retries at once under load', '--topic', 'uploader', '--cites', 'f-1', '--question', 'q-stall', '--id', 'f-2']),
      ws.as('bo', ['find', 'Cites a typo', '--cites', 'f-1,f-nope']),
      ws.as('bo', ['find', 'Answers a typo', '--question', 'q-nope']),
    ]);
    expectExit(second, 0);
    expect(second.stdout).toBe('recorded f-2\n');
    expectExit(badCite, 1);
    expect(badCite.stderr).toBe('cairn: --cites: unknown finding f-nope\n');
    expectExit(badQuestion, 1);
    expect(badQuestion.stderr).toBe('cairn: --question: unknown question q-nope\n');
    expectExit(await ws.as('dan', ['find', 'Disk is slow', '--topic', 'storage', '--tag', 'disk', '--id', 'f-3']), 0);

    const ids = (r: Awaited<ReturnType<Workspace['run']>>) => r.json().findings.map((f: { findingId: string }) => f.findingId);
    const [all, topic, tag, question, by, since, text] = await Promise.all([
      ws.run(['findings', '--json']),
      ws.run(['findings', '--topic', 'uploader', '--json']),
      ws.run(['findings', '--tag', 'http', '--json']),
      ws.run(['findings', '--question', 'q-stall', '--json']),
      ws.run(['findings', '--by', 'dan', '--json']),
      ws.run(['findings', '--since', firstPosition, '--json']),
      ws.run(['findings']),
    ]);
    // Newest first: what an agent most likely wants, and what a bounded page keeps.
    expect(ids(all)).toEqual(['f-3', 'f-2', 'f-1']);
    expect(all.json().findings[1]).toMatchObject({ findingId: 'f-2', by: 'bo', role: 'builder', cites: ['f-1'] });
    expect(ids(topic)).toEqual(['f-2', 'f-1']);
    expect(ids(tag)).toEqual(['f-1']);
    expect(ids(question)).toEqual(['f-2', 'f-1']);
    expect(ids(by)).toEqual(['f-3']);
    expect(ids(since)).toEqual(['f-3', 'f-2']);
    expect(text.stdout).toMatch(/^finding\s+by\s+role\s+topic\s+summary\s*\n/);
    expect(text.stdout).toMatch(/f-3\s+dan\s+builder\s+storage\s+Disk is slow/);

    const questions = await ws.run(['questions', '--json']);
    expect(questions.json().questions.find((q: { questionId: string }) => q.questionId === 'q-stall').findings).toEqual(['f-1', 'f-2']);
  });

  it('say and inbox: to an instance, a role or all; reading does not consume; --mark-read advances the cursor', async () => {
    const [direct, role, everyone, unknown, toOtherRole] = await Promise.all([
      ws.as('ada', ['say', 'bo,', 'look', 'at', 'f-1', '--to', 'bo', '--id', 'm-direct']),
      ws.as('ada', ['say', 'Builders: Retry-After is ignored', '--to', 'role:builder', '--id', 'm-role']),
      ws.as('eve', ['say', 'Standup in 5', '--to', 'all', '--id', 'm-all']),
      ws.as('ada', ['say', 'Hello?', '--to', 'zed']),
      ws.as('ada', ['say', 'Reflectors only', '--to', 'role:reflector', '--id', 'm-refl']),
    ]);
    for (const r of [direct, role, everyone, toOtherRole]) expectExit(r, 0);
    expect(direct.stdout).toBe('sent m-direct to bo\n');
    expect(role.stdout).toBe('sent m-role to role:builder\n');
    expectExit(unknown, 1);
    expect(unknown.stderr).toBe('cairn: --to: unknown instance zed\n');

    const ids = (r: Awaited<ReturnType<Workspace['run']>>) => r.json().messages.map((m: { messageId: string }) => m.messageId).sort();
    const [first, second, text, adaInbox] = await Promise.all([
      ws.as('bo', ['inbox', '--json']),
      ws.as('bo', ['inbox', '--json']),
      ws.as('bo', ['inbox']),
      ws.as('ada', ['inbox', '--json']),
    ]);
    expect(ids(first)).toEqual(['m-all', 'm-direct', 'm-role']);
    expect(first.json().unread).toBe(3);
    expect(ids(second), 'reading does not consume').toEqual(ids(first));
    expect(text.stdout).toMatch(/^\* m-direct {2}\S+ {2}from ada to bo\n {4}bo, look at f-1$/m);
    expect(ids(adaInbox), 'own messages and other roles do not reach ada').toEqual(['m-all']);

    const marked = await ws.as('bo', ['inbox', '--mark-read', '--json']);
    expectExit(marked, 0);
    const newest = first.json().messages.map((m: { position: string }) => BigInt(m.position)).reduce((a: bigint, b: bigint) => (a > b ? a : b));
    expect(marked.json().markedUpTo).toBe(String(newest));
    const [after, all, afterText] = await Promise.all([ws.as('bo', ['inbox', '--json']), ws.as('bo', ['inbox', '--all', '--json']), ws.as('bo', ['inbox'])]);
    expect(ids(after)).toEqual([]);
    expect(afterText.stdout).toBe('no unread messages\n');
    expect(ids(all)).toEqual(['m-all', 'm-direct', 'm-role']);
    expect(all.json().messages.every((m: { unread: boolean }) => !m.unread)).toBe(true);

    expectExit(await ws.as('cy', ['say', 'One more', '--to', 'bo', '--id', 'm-late']), 0);
    expect(ids(await ws.as('bo', ['inbox', '--json']))).toEqual(['m-late']);
    const read = (await ws.events()).filter((e) => e.type === 'InboxRead');
    expect(read).toEqual([expect.objectContaining({ streamName: 'instance-bo', data: { instanceId: 'bo', upTo: String(newest) } })]);
  });

  it('sync: a digest of what others did; appends InstanceSynced; later events carry seenUpTo = that position', async () => {
    const beforeSync = await ws.events();
    const head = beforeSync[beforeSync.length - 1]!.position;
    const synced = await ws.as('eve', ['sync', '--json']);
    expectExit(synced, 0);
    const digest = synced.json();
    expect(digest).toMatchObject({ from: '0', upTo: head });
    expect(digest.joined.map((j: { instanceId: string }) => j.instanceId).sort()).toEqual(['ada', 'bo', 'cy', 'dan']);
    expect(digest.findings.map((f: { findingId: string }) => f.findingId)).toEqual(['f-1', 'f-2', 'f-3']);
    expect(digest.questions, "eve's own question is not news to eve").toEqual([]);
    expect(digest.messages.map((m: { messageId: string }) => m.messageId), 'messages that reach eve').toEqual(['m-refl']);
    expect(digest.tasks.map((t: { taskId: string; change: string }) => `${t.taskId} ${t.change}`)).toContain('t-map completed');

    const synced2 = await ws.events();
    const syncEvent = synced2.filter((e) => e.type === 'InstanceSynced');
    expect(syncEvent).toEqual([expect.objectContaining({ streamName: 'instance-eve', data: { instanceId: 'eve', upTo: head }, metadata: expect.objectContaining({ seenUpTo: '0' }) })]);

    const after = await ws.as('eve', ['find', 'Stalls come from retries without backoff', '--topic', 'uploader', '--question', 'q-stall', '--id', 'f-eve', '--json']);
    expect(after.json().events[0].metadata.seenUpTo).toBe(head);
    const logged = await ws.run(['log', '--json', '--stream', 'finding-f-eve']);
    expect(logged.lines()[0].metadata.seenUpTo).toBe(head);

    const again = await ws.as('eve', ['sync']);
    expectExit(again, 0);
    expect(again.stdout).toMatch(/^synced \d+ -> \d+\n {2}nothing new from others\n$/);
    const twice = await ws.as('eve', ['sync', '--json']);
    expect(twice.json()).toMatchObject({ from: head, counts: {} });
    const eveSyncs = (await ws.events()).filter((e) => e.type === 'InstanceSynced' && e.metadata.instanceId === 'eve');
    expect(eveSyncs, 'a sync with nothing new from others appends nothing').toHaveLength(1);
    const text = await ws.as('ada', ['sync']);
    expect(text.stdout).toMatch(/^synced 0 -> \d+\n/);
    expect(text.stdout).toMatch(/^ {2}finding {2}f-eve by eve \(reflector\): Stalls come from retries without backoff$/m);
    expect(text.stdout).toMatch(/^ {2}joined {3}bo as builder$/m);
  });

  it('synthesize: --integrates must name recorded findings', async () => {
    const [published, unknown] = await Promise.all([
      ws.as('eve', ['synthesize', 'Uploads stall because retries ignore Retry-After', '--integrates', 'f-1,f-2', '--integrates', 'f-eve', '--question', 'q-stall', '--id', 's-1']),
      ws.as('eve', ['synthesize', 'Built on sand', '--integrates', 'f-1,f-nope']),
    ]);
    expectExit(published, 0);
    expect(published.stdout).toBe('published s-1\n');
    expectExit(unknown, 1);
    expect(unknown.stderr).toBe('cairn: --integrates: unknown finding f-nope\n');
    const [list, questions] = await Promise.all([ws.run(['findings', '--question', 'q-stall', '--json']), ws.run(['questions', '--json'])]);
    expect(list.json().syntheses).toEqual([expect.objectContaining({ synthesisId: 's-1', integrates: ['f-1', 'f-2', 'f-eve'] })]);
    expect(questions.json().questions.find((q: { questionId: string }) => q.questionId === 'q-stall')).toMatchObject({ findings: ['f-1', 'f-2', 'f-eve'] });
  });

  it('status: who holds what, open tasks, open questions; activity per instance', async () => {
    expectExit(await ws.as('ada', ['propose', 'Still open', '--id', 't-open']), 0);
    const [text, json, activity, activityText] = await Promise.all([
      ws.run(['status']),
      ws.run(['status', '--json']),
      ws.run(['activity', '--json']),
      ws.run(['activity']),
    ]);
    expectExit(text, 0);
    expect(text.stdout).toMatch(/^status at \S+ \(log position \d+\)\n/);
    // Counts agree with their nouns: one synthesis so far, several of the rest.
    expect(text.stdout).toMatch(/^ {2}5 instances; tasks: .*; \d+ findings, 1 synthesis, \d+ messages$/m);
    expect(text.stdout).toMatch(/^bo\s+builder\s+\S+\s+t-short \((29m[0-5]\ds|30m00s|2\dm[0-5]\ds)\)/m);
    expect(text.stdout).toMatch(/open tasks:\n( {2}\S+ .*\n)* {2}t-open Still open/);
    expect(text.stdout).toMatch(/open questions:\n {2}q-stall \(3 findings\) Why do uploads stall\?/);
    const status = json.json();
    expect(status.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual(['ada', 'bo', 'cy', 'dan', 'eve']);
    expect(status.claimed.map((t: { taskId: string }) => t.taskId)).toEqual(['t-short']);
    expect(status.open.map((t: { taskId: string }) => t.taskId)).toContain('t-open');
    expect(status.stale).toEqual([]);
    expect(status.questions.map((q: { questionId: string }) => q.questionId)).toEqual(['q-stall']);

    const bo = activity.json().instances.find((i: { instanceId: string }) => i.instanceId === 'bo');
    expect(bo).toMatchObject({ role: 'builder', claims: ['t-short'] });
    expect(activityText.stdout).toMatch(/^instance\s+role\s+last seen\s+claims\s+topics/);
    expect(activityText.stdout).toMatch(/^dan\s+builder\s/m);
  });

  it('log: NDJSON in position order; --type, --stream, --instance, --since (position and time), --limit', async () => {
    const events = await ws.events();
    const positions = events.map((e) => BigInt(e.position));
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true);
    const middle = events[Math.floor(events.length / 2)]!;

    // The filters are asked for every match: how many the session leaves after `middle` varies
    // with its timing, and past 30 (the default bound, tested with cursors elsewhere) a page ends.
    const every = ['--limit', '100000'];
    const [types, stream, prefix, instance, since, sinceTime, limit, text] = await Promise.all([
      ws.run(['log', '--json', '--type', 'TaskClaimed,ClaimRenewed', '--type', 'TaskCompleted', ...every]),
      ws.run(['log', '--json', '--stream', 'task-t-short', ...every]),
      ws.run(['log', '--json', '--stream', 'question-', ...every]),
      ws.run(['log', '--json', '--instance', 'dan', ...every]),
      ws.run(['log', '--json', '--since', middle.position, ...every]),
      ws.run(['log', '--json', '--since', middle.metadata.at, ...every]),
      ws.run(['log', '--json', '--limit', '3']),
      ws.run(['log', '--type', 'TaskProposed', ...every]),
    ]);
    const pick = (filter: (e: LoggedEvent) => boolean) => events.filter(filter).map((e) => e.metadata.eventId);
    const got = (r: typeof types) => r.lines<LoggedEvent>().map((e) => e.metadata.eventId);
    expect(got(types)).toEqual(pick((e) => ['TaskClaimed', 'ClaimRenewed', 'TaskCompleted'].includes(e.type)));
    expect(got(stream)).toEqual(pick((e) => e.streamName === 'task-t-short'));
    expect(got(prefix)).toEqual(pick((e) => e.streamName.startsWith('question-')));
    expect(got(prefix).length).toBe(3); // two posed, one closed
    expect(got(instance)).toEqual(pick((e) => e.metadata.instanceId === 'dan'));
    expect(got(since)).toEqual(pick((e) => BigInt(e.position) > BigInt(middle.position)));
    expect(got(sinceTime)).toEqual(pick((e) => Date.parse(e.metadata.at) >= Date.parse(middle.metadata.at)));
    expect(got(limit)).toEqual(events.slice(0, 3).map((e) => e.metadata.eventId));
    const proposals = events.filter((e) => e.type === 'TaskProposed');
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(proposals.length);
    expect(lines[0]).toMatch(new RegExp(`^\\s*${proposals[0]!.position}  \\S+  ada\\s+TaskProposed\\s+task-t-map  Map the retry paths$`));
  });

  it('leave: a left instance may not write until it joins again; its claims stay', async () => {
    expectExit(await ws.as('dan', ['claim', 't-open']), 0);
    const left = await ws.as('dan', ['leave', '--reason', 'done for today']);
    expectExit(left, 0);
    expect(left.stdout).toBe('dan left\n');
    const [write, board] = await Promise.all([ws.as('dan', ['propose', 'One more thing']), ws.run(['tasks', '--owner', 'dan', '--json'])]);
    expectExit(write, 1);
    expect(write.stderr).toContain('instance dan has not joined (it left)');
    expect(board.json().tasks.map((t: { taskId: string }) => t.taskId)).toEqual(['t-open']);
    const back = await ws.as('dan', ['join', '--role', 'builder']);
    expect(back.stdout).toBe('dan joined as builder\n');
    expectExit(await ws.as('dan', ['release', 't-open']), 0);
  });

  it('every event carries seenUpTo = its author\'s last sync position ("0" before any sync)', async () => {
    const events = await ws.events();
    const synced = new Map<string, string>();
    let checked = 0;
    for (const event of events) {
      const author = event.metadata.instanceId;
      expect(event.metadata.seenUpTo, `${event.type} at ${event.position} by ${author}`).toBe(synced.get(author) ?? '0');
      checked++;
      if (event.type === 'InstanceSynced') synced.set(author, event.data.upTo);
    }
    expect(checked).toBe(events.length);
    expect([...synced.keys()].sort()).toEqual(['ada', 'eve']);
    expect(events.filter((e) => e.metadata.seenUpTo !== '0').length).toBeGreaterThan(1);
  });
});
