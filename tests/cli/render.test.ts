import { describe, expect, it } from 'vitest';
import { RENDERS } from '../../src/render/operations.js';
import { counted } from '../../src/render/text.js';

describe('text for people', () => {
  it('a count agrees with its noun', () => {
    expect([0, 1, 2].map((n) => counted(n, 'message'))).toEqual(['0 messages', '1 message', '2 messages']);
    expect(counted(1n, 'synthesis', 'syntheses')).toBe('1 synthesis');
    expect(counted(3n, 'synthesis', 'syntheses')).toBe('3 syntheses');
  });

  it('find says what tells a converging pair apart in words a judge can act on', () => {
    const match = (contrasts: string[]) => ({
      other: { findingId: 'f-a', instanceId: 'ada', role: 'explorer' },
      score: 0.45,
      contrasts,
      reason: 'independent',
    });
    const text = RENDERS.find!({ findingId: 'f-b', converges: [match(['negation', 'numbers']), match([])], echoes: [], warnings: [] });
    expect(text.split('\n')).toEqual([
      'recorded f-b',
      '  converges with f-a by ada (explorer), score 0.45 (look twice: one negates, numbers differ): independent',
      '  converges with f-a by ada (explorer), score 0.45: independent',
    ]);
  });
});
