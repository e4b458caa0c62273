import { describe, expect, it } from 'vitest';
import { fitResult } from '../../src/mcp/fit.js';

/** A tool result held to its budget keeps its shape, and every key agents chose. */
describe('fitResult', () => {
  it('cuts only the longest texts, as far as the budget needs, and keeps a key named "__proto__"', () => {
    const topics = JSON.parse('{"__proto__": 3, "uploads": 2}') as Record<string, number>;
    const plain = { topics, findings: [{ id: 'f-1', summary: 'x'.repeat(5_000) }, { id: 'f-2', summary: 'short' }] };
    const fitted = fitResult(plain, 2_000);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(2_000);
    expect(Object.keys(fitted.topics)).toEqual(['__proto__', 'uploads']);
    expect(fitted.findings[1]).toEqual({ id: 'f-2', summary: 'short' });
    expect(fitted.findings[0]!.summary).toHaveLength(fitted.shortened!.maxChars);
    expect(fitted.findings[0]!.summary.endsWith('…')).toBe(true);
    expect(fitResult(plain, 100_000)).toBe(plain);
  });
});
