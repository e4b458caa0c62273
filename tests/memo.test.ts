import { describe, expect, it } from 'vitest';
import { boundedMemo, once } from '../src/memo.js';

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

describe('a value made once', () => {
  it('is made on the first call, not before, and the same value answers every later call, undefined included', () => {
    let made = 0;
    const schema = once(() => ({ made: ++made }));
    expect(made).toBe(0);
    const first = schema();
    expect(schema()).toBe(first);
    expect(made).toBe(1);
    let nothing = 0;
    const none = once(() => void nothing++);
    expect([none(), none()]).toEqual([undefined, undefined]);
    expect(nothing).toBe(1);
  });
});
