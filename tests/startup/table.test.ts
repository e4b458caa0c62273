import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BORDERLESS, table } from '../../src/cli/output.js';

/** cli-table3 itself, with output.ts's options: what the plain-ASCII path must reproduce. */
function reference(head: string[], rows: string[][]): string {
  const t = new Table({ head, ...BORDERLESS });
  for (const row of rows) t.push(row);
  return t.toString();
}

describe('table', () => {
  it('lays out tables of one-column characters exactly as cli-table3 does', () => {
    const cell = fc.string({ unit: fc.constantFrom(...'abc XYZ-_.:()0123456789…–—“”‘’éßøΩλЖж€→≤±'.split('')), maxLength: 30 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.array(cell, { minLength: n, maxLength: n }), fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 8 }))), ([head, rows]) => {
        expect(table(head, rows)).toBe(reference(head, rows));
      }),
      { numRuns: 300 },
    );
  });

  it('still hands wide and combining characters to cli-table3', () => {
    const rows = [['t-1', '漢字のタスク'], ['t-2', 'café'], ['t-3', '👍 agreed']];
    expect(table(['task', 'title'], rows)).toBe(reference(['task', 'title'], rows));
  });

  it('shows undefined cells as empty', () => {
    expect(table(['a', 'b'], [['x', undefined]])).toBe(reference(['a', 'b'], [['x', '']]));
  });
});
