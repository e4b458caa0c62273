import { describe, expect, it } from 'vitest';
import { coordinatorSuggestions, type SuggestionInput } from '../../src/signals/suggestions.js';
import { BUSY_A, BUSY_B, FILLERS } from './helpers.js';

const roles = { e1: 'explorer', b1: 'builder', r1: 'reflector', c1: 'coordinator' };

describe('coordinator suggestions', () => {
  const base: SuggestionInput = {
    findings: [
      { findingId: 'f1', by: 'e1', summary: BUSY_A },
      { findingId: 'f2', by: 'b1', summary: BUSY_B },
      { findingId: 'f3', by: 'r1', summary: FILLERS[0]!, topic: 'Resilience' },
      { findingId: 'f4', by: 'c1', summary: FILLERS[3]!, topic: 'resilience ' },
    ],
    messages: [],
    claims: [],
    roles,
  };

  it('suggests collaboration between instances on related topics who have not talked', () => {
    const s = coordinatorSuggestions(base);
    expect(s.map((x) => [x.kind, x.instances])).toEqual([
      ['collaboration', ['b1', 'e1']],
      ['collaboration', ['c1', 'r1']],
    ]);
    expect(s[0]!.text).toMatch(/^b1 \(builder\) and e1 \(explorer\) work on related things \(f2 and f1, similarity/);
    expect(s[1]).toMatchObject({ topic: 'resilience' });
  });

  it('stays quiet once they have exchanged a message, directly or to the role; broadcasts do not count', () => {
    const direct = coordinatorSuggestions({ ...base, messages: [{ from: 'b1', to: 'e1' }] });
    expect(direct.map((x) => x.instances)).toEqual([['c1', 'r1']]);
    const byRole = coordinatorSuggestions({ ...base, messages: [{ from: 'c1', to: 'role:reflector' }, { from: 'e1', to: 'all' }] });
    expect(byRole.map((x) => x.instances)).toEqual([['b1', 'e1']]);
  });

  it('flags two instances holding claims on near-duplicate tasks, first', () => {
    const s = coordinatorSuggestions({
      ...base,
      claims: [
        { taskId: 't1', title: 'Add SQLite busy timeout to the store', owner: 'b1' },
        { taskId: 't2', title: 'Set the busy timeout on the SQLite store', owner: 'e1' },
        { taskId: 't3', title: 'Write the KurrentDB adapter', owner: 'r1' },
      ],
    });
    expect(s[0]).toMatchObject({ kind: 'duplicate-claims', instances: ['b1', 'e1'], tasks: ['t1', 't2'] });
    expect(s.filter((x) => x.kind === 'duplicate-claims')).toHaveLength(1);
  });
});
