import { describe, expect, it } from 'vitest';
import { fold } from '../../projections/projection.js';
import { causalityProjection, newTo, pathTo } from '../../projections/causality.js';
import { convergenceProjection } from '../../projections/convergence.js';
import { matcherCalibration } from '../../projections/convergence-calibration.js';
import { convergenceClusters, judgmentOf, unjudgedCandidates } from '../../projections/convergence-report.js';
import { decodeJson, encodeJson } from '../../src/runtime/json.js';
import { copyState } from '../../src/runtime/state.js';
import { addFinding, BUSY_A, BUSY_B, BUSY_C, joined, withFillers } from './helpers.js';
import type { EventLog } from '../projections/fixtures.js';

const roles = { ada: 'explorer', bo: 'builder', cy: 'reflector', dan: 'explorer', eve: 'reflector' };
const report = (log: EventLog) => convergenceClusters(fold(convergenceProjection, log.events));
const shown = (log: EventLog, instanceId: string, via: string, streams: string[]) =>
  log.add('ContentShown', { instanceId, via, upTo: String(log.head), streams, everything: false });

/** The one link between the two findings, wherever the report put it. */
function linkOf(log: EventLog, earlier: string, later: string) {
  const r = report(log);
  const all = [...r.convergences, ...r.echoes].flatMap((c) => c.links);
  const link = all.find((l) => l.earlier === earlier && l.later === later);
  expect(link, `no link ${earlier}~${later}`).toBeDefined();
  return link!;
}

describe('independence is happens-before, read off the log', () => {
  it('a finding restated after its author was shown the earlier one (any read, no sync) is an echo, with the read named', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    shown(log, 'bo', 'findings', ['finding-a']);
    addFinding(log, 'b', 'bo', BUSY_B);
    const link = linkOf(log, 'a', 'b');
    expect(link.kind).toBe('echo');
    expect(link.path).toEqual([expect.objectContaining({ instance: 'bo', how: 'shown', via: 'findings', stream: 'finding-a' })]);
    expect(link.reason).toMatch(/^echo: bo was shown finding a by `findings` \(at \d+\), before recording b$/);
  });

  it('the same two findings with no read between them converge', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    shown(log, 'bo', 'findings', ['finding-filler-0']); // bo read something else
    addFinding(log, 'b', 'bo', BUSY_B);
    const link = linkOf(log, 'a', 'b');
    expect(link.kind).toBe('convergence');
    expect(link.reason).toMatch(/^independent: when bo recorded b/);
    expect(link.anonymousRead).toBeUndefined();
  });

  it('a read after the later finding was recorded changes nothing: they stay concurrent', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    addFinding(log, 'b', 'bo', BUSY_B);
    shown(log, 'bo', 'findings', ['finding-a']);
    expect(linkOf(log, 'a', 'b').kind).toBe('convergence');
  });

  it('exposure travels through a chain of messages across three instances, and the path names each hop', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    shown(log, 'cy', 'findings', ['finding-a']);
    log.add('MessagePosted', { messageId: 'm-1', from: 'cy', to: 'dan', body: 'ada says writers fail fast without a timeout' });
    shown(log, 'dan', 'inbox', ['message-m-1']);
    log.add('MessagePosted', { messageId: 'm-2', from: 'dan', to: 'bo', body: 'heads up about sqlite locking' });
    shown(log, 'bo', 'inbox', ['message-m-2']);
    addFinding(log, 'b', 'bo', BUSY_B);
    const link = linkOf(log, 'a', 'b');
    expect(link.kind).toBe('echo');
    expect(link.path!.map((s) => [s.instance, s.how, 'stream' in s ? s.stream : ''])).toEqual([
      ['bo', 'shown', 'message-m-2'],
      ['dan', 'shown', 'message-m-1'],
      ['cy', 'shown', 'finding-a'],
    ]);
    expect(link.reason).toContain("bo was shown dan's message m-2 by `inbox`");
    expect(link.reason).toContain("dan had been shown cy's message m-1 by `inbox`");
    expect(link.reason).toContain('cy had been shown finding a by `findings`');
  });

  it('a message written before its author learned of the finding carries nothing of it', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    log.add('MessagePosted', { messageId: 'm-1', from: 'cy', to: 'bo', body: 'an unrelated note' });
    shown(log, 'cy', 'findings', ['finding-a']); // cy learns of a only after writing m-1
    shown(log, 'bo', 'inbox', ['message-m-1']);
    addFinding(log, 'b', 'bo', BUSY_B);
    expect(linkOf(log, 'a', 'b').kind).toBe('convergence');
  });

  it("anything its author wrote after the finding carries it: a task ada proposed later, shown to bo", () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    log.add('TaskProposed', { taskId: 't-1', title: 'Set a busy timeout', tags: [], proposedBy: 'ada' });
    shown(log, 'bo', 'status', ['task-t-1']);
    addFinding(log, 'b', 'bo', BUSY_B);
    const link = linkOf(log, 'a', 'b');
    expect(link.kind).toBe('echo');
    expect(link.reason).toContain("bo was shown ada's task t-1 by `status`");
    expect(link.reason).toContain('which ada wrote after finding a');
  });

  it('a stream shown as it stood at a position does not carry what was added to it later', () => {
    const log = withFillers(joined(roles));
    log.add('TaskProposed', { taskId: 't-1', title: 'Look at locking', tags: [], proposedBy: 'cy' });
    const before = log.head;
    addFinding(log, 'a', 'ada', BUSY_A);
    shown(log, 'cy', 'findings', ['finding-a']);
    log.add('TaskCompleted', { taskId: 't-1', by: 'cy', outcome: 'writers need a busy timeout' });
    log.add('ContentShown', { instanceId: 'bo', via: 'replay', upTo: String(before), streams: ['task-t-1'], everything: false });
    addFinding(log, 'b', 'bo', BUSY_B);
    expect(linkOf(log, 'a', 'b').kind).toBe('convergence');
  });

  it('replying to a message, citing, syncing and whole-log reads are exposure too', () => {
    const reply = withFillers(joined(roles));
    addFinding(reply, 'a', 'ada', BUSY_A);
    reply.add('MessagePosted', { messageId: 'm-1', from: 'ada', to: 'all', body: 'see my finding' });
    reply.add('MessagePosted', { messageId: 'm-2', from: 'bo', to: 'ada', body: 'thanks', replyTo: 'm-1' });
    addFinding(reply, 'b', 'bo', BUSY_B);
    expect(linkOf(reply, 'a', 'b').reason).toContain('bo cited message m-1');

    const whole = withFillers(joined(roles));
    addFinding(whole, 'a', 'ada', BUSY_A);
    whole.add('ContentShown', { instanceId: 'bo', via: 'export', upTo: String(whole.head), streams: [], everything: true });
    addFinding(whole, 'b', 'bo', BUSY_B);
    expect(linkOf(whole, 'a', 'b').reason).toMatch(/bo had read the whole log up to position \d+ with `export`/);

    const synced = withFillers(joined(roles));
    addFinding(synced, 'a', 'ada', BUSY_A);
    synced.add('InstanceSynced', { instanceId: 'bo', upTo: String(synced.head) });
    addFinding(synced, 'b', 'bo', BUSY_B, { seenUpTo: synced.head - 1n });
    expect(linkOf(synced, 'a', 'b').reason).toMatch(/bo had synced to position \d+/);
  });

  it('an anonymous read of the earlier finding before the later one is reported as uncertainty, not hidden', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    log.add('ContentShown', { via: 'dashboard', upTo: String(log.head), streams: ['finding-a'], everything: false }, { instanceId: 'anonymous', role: 'anonymous' });
    addFinding(log, 'b', 'bo', BUSY_B);
    const link = linkOf(log, 'a', 'b');
    expect(link.kind).toBe('convergence');
    expect(link.anonymousRead).toMatchObject({ via: 'dashboard' });
    expect(link.reason).toMatch(/a read without an identity \(`dashboard` at \d+\) showed a before it/);
  });

  it('gives the same answers after replay from a checkpoint and from a copy of the state', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    shown(log, 'cy', 'findings', ['finding-a']);
    log.add('MessagePosted', { messageId: 'm-1', from: 'cy', to: 'bo', body: 'about sqlite' });
    const half = log.events.length;
    shown(log, 'bo', 'inbox', ['message-m-1']);
    addFinding(log, 'b', 'bo', BUSY_B);
    addFinding(log, 'c', 'dan', BUSY_C);
    const whole = fold(convergenceProjection, log.events);
    let resumed = decodeJson(encodeJson(fold(convergenceProjection, log.events.slice(0, half)))) as typeof whole;
    for (const e of log.events.slice(half)) resumed = convergenceProjection.evolve(resumed, e);
    expect(convergenceClusters(resumed)).toEqual(convergenceClusters(whole));
    // Folding the same events into two copies gives equal states: the fold depends on nothing else.
    const first = fold(causalityProjection, log.events.slice(0, half));
    const [x, y] = [copyState(first), copyState(first)];
    for (const e of log.events.slice(half)) {
      causalityProjection.evolve(x, e);
      causalityProjection.evolve(y, e);
    }
    expect(encodeJson(x)).toBe(encodeJson(y));
  });

  it('knows what is new to a reader, so a read that shows nothing new appends nothing', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    addFinding(log, 'mine', 'bo', 'bo wrote this');
    shown(log, 'bo', 'findings', ['finding-a']);
    const state = fold(causalityProjection, log.events);
    expect(newTo(state, 'bo', ['finding-a', 'finding-mine', 'finding-filler-1'], log.head)).toEqual(['finding-filler-1']);
    expect(pathTo(state, 'cy', log.head, { author: 'ada', position: 7n, stream: 'finding-a' })).toBeUndefined();
  });
});

describe('judgments', () => {
  const judged = () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    addFinding(log, 'b', 'bo', BUSY_B);
    addFinding(log, 'c', 'dan', BUSY_C);
    return log;
  };

  it('fold purely: confirmed, rejected and unjudged apart; a rejected pair leaves its cluster', () => {
    const log = judged();
    log.add('ConvergenceJudged', { earlier: 'a', later: 'b', by: 'cy', verdict: 'same', reason: 'both: writers fail without busy_timeout' });
    log.add('ConvergenceJudged', { earlier: 'a', later: 'c', by: 'eve', verdict: 'different', reason: 'c is about something else' });
    const state = fold(convergenceProjection, log.events);
    const r = convergenceClusters(state);
    expect(r.judged).toMatchObject({ confirmed: 1, rejected: 1 });
    expect(r.rejected.map((l) => `${l.earlier}~${l.later}`)).toEqual(['a~c']);
    const links = r.convergences.flatMap((c) => c.links);
    expect(links.find((l) => l.earlier === 'a' && l.later === 'b')!.judgment).toMatchObject({ status: 'confirmed', judges: [{ by: 'cy', verdict: 'same' }] });
    expect(links.some((l) => l.earlier === 'a' && l.later === 'c')).toBe(false);
    expect(unjudgedCandidates(state)).toMatchObject({ total: 1, links: [{ earlier: 'b', later: 'c' }] });
    // The count the fold keeps equals a count of the links.
    const counted = state.links.filter((l) => !l.echo && l.lexical >= 0.3 && judgmentOf(state, l).status === 'unjudged').length;
    expect(state.unjudged).toBe(counted);
    expect(matcherCalibration(state)).toMatchObject({ judged: 2, confirmed: 1, rejected: 1, precision: 0.5 });
  });

  it("a judge's later judgment replaces its earlier one; a confirmed pair counts below the threshold", () => {
    const log = judged();
    log.add('ConvergenceJudged', { earlier: 'a', later: 'b', by: 'cy', verdict: 'different', reason: 'first look' });
    log.add('ConvergenceJudged', { earlier: 'a', later: 'b', by: 'cy', verdict: 'same', reason: 'on reflection, the same claim' });
    const state = fold(convergenceProjection, log.events);
    const strict = convergenceClusters(state, { threshold: 0.99 });
    expect(strict.convergences.flatMap((c) => c.links).map((l) => `${l.earlier}~${l.later}`)).toEqual(['a~b']);
    expect(strict.judged.confirmed).toBe(1);
  });
});

describe('judgments calibrate the matcher', () => {
  it('suggests the threshold that agrees best with ten or more judgments', () => {
    const log = withFillers(joined(roles));
    addFinding(log, 'a', 'ada', BUSY_A);
    addFinding(log, 'b', 'bo', BUSY_B);
    addFinding(log, 'c', 'dan', BUSY_C);
    const before = matcherCalibration(fold(convergenceProjection, log.events));
    expect(before.suggestedThreshold).toBeNull();
    // Five more pairs, judged: the close ones the same, the looser ones not.
    const texts = [
      ['p1', 'Retries ignore the Retry-After header of the server and hammer the API.', 'Retries ignore the Retry-After header from the server and hammer the API again.'],
      ['p2', 'The cache never evicts entries, so memory grows without bound.', 'Memory grows without bound because the cache never evicts entries.'],
      ['p3', 'Replay time goes into parsing JSON payloads of events.', 'Replay time goes into garbage collection of payloads.'],
      ['p4', 'The login endpoint has no rate limit on attempts.', 'The signup endpoint has a strict rate limit on attempts.'],
      ['p5', 'Dropout of 0.3 closed the gap between training and validation accuracy.', 'Dropout closed the gap between training and validation accuracy at 0.3.'],
    ];
    for (const [id, x, y] of texts) {
      addFinding(log, `${id}x`, 'ada', x!);
      addFinding(log, `${id}y`, 'bo', y!);
    }
    const state = fold(convergenceProjection, log.events);
    const judge = (earlier: string, later: string, same: boolean) =>
      log.add('ConvergenceJudged', { earlier, later, by: 'eve', verdict: same ? 'same' : 'different', reason: 'read both' });
    // Same: the BUSY trio, and the rewordings p1, p2, p5; different: everything else the matcher kept.
    const group = (id: string) => (['a', 'b', 'c'].includes(id) ? 'busy' : id.slice(0, 2));
    for (const l of state.links) judge(l.earlier, l.later, group(l.earlier) === group(l.later) && !['p3', 'p4'].includes(group(l.earlier)));
    const calibration = matcherCalibration(fold(convergenceProjection, log.events));
    expect(calibration.suggestedThreshold).not.toBeNull();
    // The suggestion separates what the judges said: every pair judged the same scores at least it.
    const after = fold(convergenceProjection, log.events);
    const sameScores = after.links.filter((l) => judgmentOf(after, l).status === 'confirmed').map((l) => l.lexical);
    expect(Math.min(...sameScores)).toBeGreaterThanOrEqual(calibration.suggestedThreshold! - 1e-9);
  });
});
