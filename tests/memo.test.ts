import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../src/memo.js';

describe('a bounded memo of a pure function', () => {
  it('computes each argument once while it is remembered, undefined answers included', () => {
    const calls: string[] = [];
    const lookup = boundedMemo((key) => {
      calls.push(key);
      return key === 'none' ? undefined : key.toUpperCase();
    }, 10);
    expect([lookup('a'), lookup('none'), lookup('a'), lookup('none')]).toEqual(['A', undefined, 'A', undefined]);
    expect(calls).toEqual(['a', 'none']);
  });

  it('answers the same after it fills and forgets, holding no more than its bound', () => {
    const calls: string[] = [];
    const lookup = boundedMemo((key) => (calls.push(key), key.length), 2);
    const keys = ['a', 'bb', 'ccc', 'a', 'bb', 'dddd', 'a'];
    expect(keys.map(lookup)).toEqual(keys.map((k) => k.length));
    // 'ccc' found it full and cleared it: 'a' and 'bb' were computed again, then forgotten once more at 'dddd'.
    expect(calls).toEqual(['a', 'bb', 'ccc', 'a', 'bb', 'dddd', 'a']);
  });
});
