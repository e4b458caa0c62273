import { describe, expect, it } from 'vitest';
import { coordinatorSuggestions, type SuggestionFinding, type SuggestionInput } from '../../src/signals/suggestions.js';

const roles = { e1: 'explorer', b1: 'builder', r1: 'reflector', c1: 'coordinator' };
const finding = (findingId: string, by: string, topic?: string): SuggestionFinding => ({ findingId, by, summary: `${findingId} by ${by}`, ...(topic ? { topic } : {}) });

/** Choosing and wording suggestions from candidate pairs (the pairs themselves come from the tables: tests/readstore/suggestions.test.ts). */
describe('coordinator suggestions', () => {
  const base: SuggestionInput = {
    related: [
      { later: finding('f4', 'c1', 'resilience '), earlier: finding('f3', 'r1', 'Resilience'), score: 0.05 },
      { later: finding('f2', 'b1'), earlier: finding('f1', 'e1'), score: 0.62 },
      { later: finding('f5', 'b1'), earlier: finding('f0', 'e1'), score: 0.1 },
    ],
    duplicates: [],
    talked: [],
    roles,
  };

  it('suggests collaboration between instances on related things (similar, or one topic) who have not talked', () => {
    const s = coordinatorSuggestions(base);
    expect(s.map((x) => [x.kind, x.instances, 'findings' in x ? x.findings : []])).toEqual([
      ['collaboration', ['b1', 'e1'], ['f2', 'f1']],
      ['collaboration', ['c1', 'r1'], ['f4', 'f3']],
    ]);
    expect(s[0]!.text).toBe('b1 (builder) and e1 (explorer) work on related things (f2 and f1, similarity 0.62) and have not exchanged a message: a collaboration opportunity, if they want one.');
    expect(s[1]).toMatchObject({ topic: 'resilience' });
  });

  it('stays quiet once they have exchanged a message, whichever way round', () => {
    expect(coordinatorSuggestions({ ...base, talked: [['e1', 'b1']] }).map((x) => x.instances)).toEqual([['c1', 'r1']]);
  });

  it('keeps the most similar pair per pair of instances, and the newest of equals', () => {
    const tie = coordinatorSuggestions({
      ...base,
      related: [
        { later: finding('f9', 'e1'), earlier: finding('f8', 'b1'), score: 0.4 },
        { later: finding('f7', 'e1'), earlier: finding('f6', 'b1'), score: 0.4 },
      ],
    });
    expect(tie).toHaveLength(1);
    expect(tie[0]).toMatchObject({ instances: ['b1', 'e1'], findings: ['f8', 'f9'] });
  });

  it('flags two instances holding claims on near-duplicate tasks, first; one holder twice is no duplicate', () => {
    const s = coordinatorSuggestions({
      ...base,
      duplicates: [
        { a: { taskId: 't2', title: 'Set the busy timeout on the SQLite store', owner: 'e1' }, b: { taskId: 't1', title: 'Add SQLite busy timeout to the store', owner: 'b1' }, score: 0.71 },
        { a: { taskId: 't3', title: 'Write the KurrentDB adapter', owner: 'r1' }, b: { taskId: 't4', title: 'KurrentDB adapter', owner: 'r1' }, score: 0.9 },
        { a: { taskId: 't5', title: 'Tidy docs', owner: 'r1' }, b: { taskId: 't6', title: 'Tidy tests', owner: 'c1' }, score: 0.3 },
      ],
    });
    expect(s[0]).toMatchObject({ kind: 'duplicate-claims', instances: ['b1', 'e1'], tasks: ['t1', 't2'] });
    expect(s.filter((x) => x.kind === 'duplicate-claims')).toHaveLength(1);
  });
});
