import { describe, expect, it } from 'vitest';
import { isBefore, laterAt } from '../../projections/shared.js';

describe('isBefore and laterAt: ISO times compared as instants', () => {
  it('orders two UTC times as toISOString writes them', () => {
    expect(isBefore('2026-03-01T09:00:00.000Z', '2026-03-01T09:00:00.001Z')).toBe(true);
    expect(isBefore('2026-03-01T09:00:00.001Z', '2026-03-01T09:00:00.000Z')).toBe(false);
    expect(isBefore('2026-03-01T09:00:00.000Z', '2026-03-01T09:00:00.000Z')).toBe(false);
  });

  it('compares times written with other offsets or precision as instants, not as strings', () => {
    // As strings "10:00+02:00" sorts after "09:00Z"; as instants it is an hour before.
    expect(isBefore('2026-03-01T10:00:00+02:00', '2026-03-01T09:00:00.000Z')).toBe(true);
    expect(isBefore('2026-03-01T09:00:00.000Z', '2026-03-01T10:00:00+02:00')).toBe(false);
    expect(isBefore('2026-03-01T09:00:00Z', '2026-03-01T09:00:00.500Z')).toBe(true);
  });

  it('keeps the later of two times, the first when they are the same instant', () => {
    expect(laterAt(null, '2026-03-01T09:00:00.000Z')).toBe('2026-03-01T09:00:00.000Z');
    expect(laterAt('2026-03-01T10:00:00+02:00', '2026-03-01T09:00:00.000Z')).toBe('2026-03-01T09:00:00.000Z');
    expect(laterAt('2026-03-01T11:00:00+02:00', '2026-03-01T09:00:00Z')).toBe('2026-03-01T11:00:00+02:00');
  });
});
