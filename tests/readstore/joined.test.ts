import { describe, expect, it } from 'vitest';
import { joined } from '../../src/readstore/joined.js';

/** An undirected graph from its edges, as `joined` asks for it. */
const graph = (edges: [number, number][]) => (node: bigint) =>
  edges.flatMap(([a, b]) => (BigInt(a) === node ? [BigInt(b)] : BigInt(b) === node ? [BigInt(a)] : []));

describe('joined', () => {
  it('finds a path however long, and says no when the two parts are apart', () => {
    const chain = graph(Array.from({ length: 50 }, (_, i) => [i, i + 1] as [number, number]));
    expect(joined(0n, 50n, chain)).toBe(true);
    const cut = graph([[1, 2], [2, 3], [4, 5], [5, 6]]);
    expect(joined(1n, 6n, cut)).toBe(false);
    expect(joined(1n, 3n, cut)).toBe(true);
  });

  it('gives up past its budget, saying no (the caller then regroups exactly)', () => {
    const chain = graph(Array.from({ length: 50 }, (_, i) => [i, i + 1] as [number, number]));
    expect(joined(0n, 50n, chain, 10)).toBe(false);
  });
});
