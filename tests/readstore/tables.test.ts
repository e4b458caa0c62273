import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { activityProjection, instanceActivity, roleActivity } from '../../projections/activity.js';
import { causalityProjection, everythingIsNew, newTo, newToAnonymous } from '../../projections/causality.js';
import { convergenceProjection } from '../../projections/convergence.js';
import { findingsProjection, listFindings, listSyntheses } from '../../projections/findings.js';
import { convergedIn, healthProjection, healthReport } from '../../projections/health.js';
import { inboxOf, inboxProjection } from '../../projections/inbox.js';
import { fold } from '../../projections/projection.js';
import { listQuestions, questionsProjection } from '../../projections/questions.js';
import { taskBoard, tasksProjection, type TaskStatus } from '../../projections/tasks.js';
import { activityOf } from '../../src/readstore/activity.js';
import { talkedPairs } from '../../src/readstore/board.js';
import { CausalityQueries } from '../../src/readstore/causality.js';
import { convergedInTables } from '../../src/readstore/convergence-queries.js';
import { healthWindow } from '../../src/readstore/health.js';
import { findingsPage, inboxPage, instanceRow, questionsPage, tasksPage } from '../../src/readstore/queries.js';
import { random, realisticLog } from '../projections/generate.js';
import { plain, tablesOver } from './fold-tables.js';
import type { EventLog } from '../projections/fixtures.js';

/**
 * The tables are the folds of projections/ written as rows: after any log, caught up in any
 * batches (the reads that happened to come between appends), every answer from the tables
 * equals the answer from a full replay of the folds.
 */

const everything = { limit: Infinity, cursor: undefined };

/**
 * A realistic log, then reads (ContentShown), more findings citing earlier work, replies,
 * syncs and inbox reads, some by instances that never joined: their rows first appear in the
 * middle of a batch, from whatever they write first.
 */
function logWithReads(seed: number, count: number): EventLog {
  const log = realisticLog(seed, count);
  const rnd = random(seed + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const instances = [...new Set(log.events.filter((e) => e.type === 'InstanceJoined').map((e) => e.metadata.instanceId)), 'drifter-1', 'drifter-2'];
  const streams = [...new Set(log.events.filter((e) => /^(finding|message|task|question|synthesis)-/.test(e.streamName)).map((e) => e.streamName))];
  const findings = log.events.flatMap((e) => (e.type === 'FindingRecorded' ? [e.data.findingId] : []));
  for (let i = 0; i < count / 2; i++) {
    const who = pick(instances);
    const roll = rnd();
    if (roll < 0.4) {
      const shown = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(streams)))];
      const anonymous = rnd() < 0.15;
      log.add('ContentShown', { ...(anonymous ? {} : { instanceId: who }), via: 'findings', upTo: String(log.events.length), streams: shown, everything: rnd() < 0.05 }, { instanceId: anonymous ? 'anonymous' : who, role: anonymous ? 'anonymous' : 'reader' });
    } else if (roll < 0.7) {
      const id = `g-${i}`;
      findings.push(id);
      log.add('FindingRecorded', { findingId: id, by: who, summary: `finding ${i}`, topic: pick(['leases', 'sync']), tags: ['x'], cites: rnd() < 0.5 ? [pick(findings)] : [] });
      streams.push(`finding-${id}`);
    } else if (roll < 0.8) {
      log.add('InstanceSynced', { instanceId: who, upTo: String(log.events.length) });
    } else if (roll < 0.85) {
      log.add('InboxRead', { instanceId: who, upTo: String(log.events.length) });
    } else {
      log.add('MessagePosted', { messageId: `r-${i}`, from: who, to: pick([...instances, 'all']), body: 'see above', replyTo: 'm-1' });
    }
  }
  // What the commands never write but an imported log may hold: a task proposed again under
  // its id, work on a task or question never proposed, a question closed twice.
  const who = pick(instances);
  const proposal = log.events.find((e) => e.type === 'TaskProposed');
  if (proposal?.type === 'TaskProposed') {
    log.add('TaskProposed', { taskId: proposal.data.taskId, title: 'proposed again', tags: ['again'], proposedBy: who });
    log.add('TaskClaimed', { taskId: proposal.data.taskId, owner: who, leaseUntil: '2030-01-01T00:00:00.000Z' });
  }
  log.add('TaskClaimed', { taskId: 't-nowhere', owner: who, leaseUntil: '2030-01-01T00:00:00.000Z' });
  log.add('TaskCompleted', { taskId: 't-nowhere', by: who, outcome: 'done' });
  log.add('QuestionClosed', { questionId: 'q-nowhere', by: who, resolution: 'answered' });
  log.add('MessagePosted', { messageId: 'r-again', from: who, to: 'all', body: 'first' });
  log.add('MessagePosted', { messageId: 'r-again', from: who, to: 'all', body: 'the same id again' });
  log.add('MessagePosted', { messageId: 'r-role', from: who, to: 'role:explorer', body: 'to every explorer, joined or not' });
  for (const earlier of [log.events.find((e) => e.type === 'FindingRecorded'), log.events.find((e) => e.type === 'SynthesisPublished'), log.events.find((e) => e.type === 'QuestionPosed')]) {
    if (earlier?.type === 'FindingRecorded') log.add('FindingRecorded', { ...earlier.data, by: who, summary: 'the same id again', tags: ['again'] });
    if (earlier?.type === 'SynthesisPublished') log.add('SynthesisPublished', { ...earlier.data, by: who, summary: 'the same id again' });
    if (earlier?.type === 'QuestionPosed') log.add('QuestionPosed', { ...earlier.data, askedBy: who, text: 'the same id again?' });
  }
  // Knowledge claimed of positions the log has not reached yet.
  log.add('InstanceSynced', { instanceId: pick(instances), upTo: String(log.events.length + 40) });
  log.add('ContentShown', { instanceId: who, via: 'findings', upTo: String(log.events.length + 40), streams: [pick(streams), 'finding-never-recorded'], everything: true });
  log.add('FindingRecorded', { findingId: 'g-ahead', by: who, summary: 'written having seen the future', tags: [], cites: ['never-recorded'] }, { seenUpTo: BigInt(log.events.length + 40) });
  log.add('MessagePosted', { messageId: 'r-anonymous', from: who, to: 'all', body: 'written without an identity' }, { instanceId: 'anonymous', role: 'anonymous' });
  log.add('RoleChanged', { instanceId: 'drifter-1', from: 'explorer', to: 'builder' });
  log.add('InstanceLeft', { instanceId: 'drifter-2' });
  log.add('MessagePosted', { messageId: 'r-after', from: 'drifter-2', to: 'role:builder', body: 'written after leaving' });
  const question = log.events.find((e) => e.type === 'QuestionPosed');
  if (question?.type === 'QuestionPosed') {
    log.add('QuestionClosed', { questionId: question.data.questionId, by: who, resolution: 'once' });
    log.add('QuestionClosed', { questionId: question.data.questionId, by: who, resolution: 'twice' });
  }
  return log;
}


/**
 * Who has exchanged a message, read off the log: a message to an instance, or to a role as
 * every instance known then held it (an instance is known from its first event or its join).
 */
function talkedOf(events: readonly StoredEvent[]): string[] {
  const roles = new Map<string, string>();
  const pairs = new Set<string>();
  for (const e of events) {
    if (e.metadata.instanceId !== 'anonymous' && !roles.has(e.metadata.instanceId)) roles.set(e.metadata.instanceId, e.metadata.role);
    if (e.type === 'InstanceJoined') roles.set(e.data.instanceId, e.data.role);
    if (e.type === 'RoleChanged' && roles.has(e.data.instanceId)) roles.set(e.data.instanceId, e.data.to);
    if (e.type !== 'MessagePosted' || e.data.to === 'all') continue;
    const { from, to } = e.data;
    const others = to.startsWith('role:') ? [...roles].filter(([, role]) => role === to.slice(5)).map(([id]) => id) : [to];
    for (const other of others) if (other !== from) pairs.add(from < other ? `${from} ${other}` : `${other} ${from}`);
  }
  return [...pairs].sort();
}

describe('the tables equal a full replay of the folds', () => {
  it('tasks, findings, questions, inboxes, activity, counts and happens-before, whatever the catch-up batches, caches kept between them or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 6 }), fc.boolean(), (seed, cuts, keepCaches) => {
        const log = logWithReads(seed, 250);
        const events = log.events;
        const db = tablesOver(events, cuts, { keepCaches });
        const at = (i: number) => new Date(Date.parse(events[events.length - 1]!.metadata.at) + i * 3_600_000);

        const tasks = fold(tasksProjection, events);
        for (const now of [at(-2), at(0), at(2)]) {
          const board = taskBoard(tasks, now).reverse();
          expect(plain(tasksPage(db, { all: true }, now, everything).items)).toEqual(plain(board));
          for (const status of ['open', 'claimed', 'completed', 'abandoned'] as TaskStatus[]) {
            const page = tasksPage(db, { status }, now, everything);
            expect(page.items.map((t) => t.taskId)).toEqual(board.filter((t) => t.status === status).map((t) => t.taskId));
            expect(page.page.total).toBe(page.items.length);
          }
          expect(tasksPage(db, { stale: true }, now, everything).items.map((t) => t.taskId)).toEqual(board.filter((t) => t.stale).map((t) => t.taskId));
        }

        const found = fold(findingsProjection, events);
        const page = findingsPage(db, {}, everything);
        expect(plain(page.items.filter((i) => i.kind === 'finding').map((i) => i.record))).toEqual(plain(listFindings(found).reverse()));
        expect(plain(page.items.filter((i) => i.kind === 'synthesis').map((i) => i.record))).toEqual(plain(listSyntheses(found).reverse()));
        expect(page.page.total).toBe(page.items.length);
        for (const filter of [{ topic: 'Leases' }, { by: 'e1' }, { tag: 'sync' }]) {
          const filtered = findingsPage(db, { ...filter, kind: 'finding' }, everything);
          expect(filtered.items.map((i) => i.record.position), JSON.stringify(filter)).toEqual(listFindings(found, filter).reverse().map((f) => f.position));
          expect(filtered.page.total).toBe(filtered.items.length);
        }

        const activity = fold(activityProjection, events);
        for (const now of [at(-2), at(2)]) {
          expect(plain(instanceActivity(activityOf(db), now))).toEqual(plain(instanceActivity(activity, now)));
          expect(plain(roleActivity(activityOf(db), now))).toEqual(plain(roleActivity(activity, now)));
        }

        const questions = fold(questionsProjection, events);
        expect(plain(questionsPage(db, undefined, everything).items)).toEqual(plain(listQuestions(questions).reverse()));
        expect(questionsPage(db, 'open', everything).page.total).toBe(listQuestions(questions, { status: 'open' }).length);

        const inbox = fold(inboxProjection, events);
        const causality = fold(causalityProjection, events);
        const queries = new CausalityQueries(db);
        const head = events[events.length - 1]!.position;
        const streams = [...new Set(events.map((e) => e.streamName))];
        for (const instance of [...Object.keys(inbox.roles), 'drifter-1', 'drifter-2']) {
          if (instance === 'anonymous') continue;
          const me = instanceRow(db, instance);
          const all = inboxPage(db, instance, me?.role, undefined, everything).items;
          expect(all.map((m) => m.messageId), instance).toEqual(inboxOf(inbox, instance).reverse().map((m) => m.messageId));
          const unread = inboxPage(db, instance, me?.role, me?.inboxCursor ?? 0n, everything).items;
          expect(unread.map((m) => m.messageId)).toEqual(inboxOf(inbox, instance, { unreadOnly: true }).map((m) => m.messageId));

          for (const asOf of [head / 2n, head]) expect(queries.newTo(instance, streams, asOf), `${instance} as of ${asOf}`).toEqual(newTo(causality, instance, streams, asOf));
          expect(queries.everythingIsNew(instance, head)).toBe(everythingIsNew(causality, instance, head));
        }
        expect(queries.newToAnonymous(streams)).toEqual(newToAnonymous(causality, streams));

        expect(talkedPairs(db).map(([a, b]) => `${a} ${b}`).sort()).toEqual(talkedOf(events));

        // Row for row, the tables do not depend on where the catch-up batches began.
        const whole = tablesOver(events, []);
        // Full-text search compares by what it holds: its shadow tables' layout follows the batches.
        const tables = whole.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search\\_%' ESCAPE '\\'`).pluck().all() as string[];
        for (const table of tables) {
          const rows = (d: Database.Database) => d.prepare(`SELECT ${table === 'search' ? 'rowid, ' : ''}* FROM "${table}"`).raw().all().map((r) => JSON.stringify(r)).sort();
          expect(rows(db), table).toEqual(rows(whole));
        }
        expect(queries.everythingIsNew(undefined, head)).toBe(everythingIsNew(causality, undefined, head));
      }),
      { numRuns: 25 },
    );
  });

  it('health over a window, on the same logs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 4 }), fc.integer({ min: 1, max: 72 }), fc.boolean(), (seed, cuts, hours, keepCaches) => {
        const events = logWithReads(seed, 250).events;
        const db = tablesOver(events, cuts, { keepCaches });
        const now = new Date(Date.parse(events.at(-1)!.metadata.at) + 60_000);
        const options = { now, windowMs: hours * 3_600_000, evidenceLimit: 50 };
        const fromFold = healthReport(fold(healthProjection, events), { ...options, converged: convergedIn(fold(convergenceProjection, events)) });
        const fromTables = healthReport(healthWindow(db, now.getTime() - options.windowMs, now.getTime()), { ...options, converged: convergedInTables(db) });
        expect(plain(fromTables)).toEqual(plain(fromFold));
      }),
      { numRuns: 15 },
    );
  });
});
