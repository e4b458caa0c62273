import { describe, expect, it } from 'vitest';
import { advise, nearDuplicateTasks, type AdviseFinding, type AdviseTask } from '../../src/signals/advise.js';

const tasks: AdviseTask[] = [
  { taskId: 't1', title: 'Add SQLite busy timeout to the store', tags: ['sqlite'], status: 'claimed', owner: 'b1', ownerRole: 'builder' },
  { taskId: 't2', title: 'Write the dashboard page for convergence clusters', tags: ['ui'], status: 'open' },
  { taskId: 't3', title: 'Export the log as newline-delimited JSON', tags: ['export'], status: 'claimed', owner: 'b2', ownerRole: 'builder' },
];
const findings: AdviseFinding[] = [
  { findingId: 'f1', summary: 'Ecosystems with redundant species recover faster after disturbance.', by: 'e1', role: 'explorer' },
  { findingId: 'f2', summary: 'Modular networks stop a local failure from cascading into the whole system.', by: 'r1', role: 'reflector' },
];

describe('advise: the decision framework', () => {
  it('coordinate with the owner when the work duplicates a claimed task', () => {
    const a = advise('Set a busy timeout on SQLite store connections', { tasks, findings }, { as: 'b3', role: 'builder' });
    expect(a).toMatchObject({ decision: 'coordinate', with: ['b1'], task: 't1', checks: { duplicatesTask: true } });
    expect(a.reasons[0]).toMatch(/already claimed by b1 \(builder\)/);
  });

  it('coordinate by claiming an open task instead of proposing its twin', () => {
    const a = advise('Dashboard page showing convergence clusters', { tasks, findings }, { as: 'b3' });
    expect(a).toMatchObject({ decision: 'coordinate', task: 't2' });
    expect(a.with).toBeUndefined();
    expect(a.reasons[0]).toMatch(/open: claim it/);
  });

  it('coordinate on a blocking dependency', () => {
    const a = advise('Import tool that depends on the newline-delimited JSON log export', { tasks, findings }, { as: 'b3', duplicateThreshold: 0.9 });
    expect(a).toMatchObject({ decision: 'coordinate', with: ['b2'], task: 't3', checks: { blockedBy: true, duplicatesTask: false } });
  });

  it('coordinate when the work integrates several instances’ findings', () => {
    const a = advise('Integrate redundant species recovery and modular network failure cascading into one resilience framework', { tasks, findings }, { as: 'r2' });
    expect(a).toMatchObject({ decision: 'coordinate', with: ['e1', 'r1'], checks: { needsIntegration: true } });
  });

  it('diverge on exploratory work near others’ findings: different angles may yield different insights', () => {
    const a = advise('Explore why modular systems resist cascading failure', { tasks, findings }, { as: 'e2', role: 'explorer' });
    expect(a.decision).toBe('diverge');
    expect(a.related.findings.map((f) => f.findingId)).toEqual(['f2']);
    expect(a.reasons.join(' ')).toMatch(/exploratory.*different approach may yield a different insight.*coordinating would cost more/s);
  });

  it('diverge when an explorer explores a task a builder holds: an independent angle validates', () => {
    const a = advise('Investigate the SQLite busy timeout of the store', { tasks, findings }, { as: 'e2', role: 'explorer' });
    expect(a).toMatchObject({ decision: 'diverge', checks: { duplicatesTask: false } });
    expect(a.reasons[0]).toMatch(/independent angle that converges would validate/);
  });

  it('diverge when nothing related exists', () => {
    const a = advise('Translate the README into Portuguese', { tasks, findings });
    expect(a).toMatchObject({ decision: 'diverge', related: { tasks: [], findings: [] } });
    expect(a.reasons).toEqual(['no one else holds a related task: coordinating would cost more than any duplication.']);
  });

  it('an instance’s own claim is not someone else’s work', () => {
    expect(advise('Set a busy timeout on SQLite store connections', { tasks, findings }, { as: 'b1' }).decision).toBe('diverge');
  });
});

describe('propose: near-duplicate warning', () => {
  const open = [
    { taskId: 'o1', title: 'Add SQLite busy timeout to the store' },
    { taskId: 'o2', title: 'Dashboard page for convergence clusters' },
  ];
  it('warns about an open task that says the same thing', () => {
    const dupes = nearDuplicateTasks('Set the busy timeout on the SQLite store', open);
    expect(dupes.map((d) => d.task.taskId)).toEqual(['o1']);
    expect(dupes[0]!.score).toBeGreaterThan(0.5);
  });
  it('stays quiet for a different task', () => {
    expect(nearDuplicateTasks('Write the KurrentDB adapter', open)).toEqual([]);
  });
  it('lists tasks of equal score by id, whatever order they were read in (the tables read them in another)', () => {
    const twins = [
      { taskId: 'o9', title: 'Add SQLite busy timeout to the store' },
      { taskId: 'o3', title: 'Add SQLite busy timeout to the store' },
    ];
    for (const order of [twins, [...twins].reverse()]) {
      expect(nearDuplicateTasks('Set the busy timeout on the SQLite store', order).map((d) => d.task.taskId)).toEqual(['o3', 'o9']);
    }
  });
});
