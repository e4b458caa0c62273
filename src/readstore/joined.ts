/**
 * Whether two nodes are joined in a graph given by `linked` (a node's neighbours): a search
 * from both ends at once, widening the smaller side, so it ends as soon as they meet or the
 * smaller part is all seen. Past `budget` nodes it gives up and says no: the caller then does
 * the exact, costlier thing (convergence.ts regroups the cluster).
 */
export function joined(a: bigint, b: bigint, linked: (node: bigint) => readonly bigint[], budget = 20_000): boolean {
  const seen = [new Set([a]), new Set([b])] as const;
  const frontier: [bigint[], bigint[]] = [[a], [b]];
  while (frontier[0].length > 0 && frontier[1].length > 0) {
    const side = frontier[0].length <= frontier[1].length ? 0 : 1;
    const next: bigint[] = [];
    for (const node of frontier[side]) {
      for (const other of linked(node)) {
        if (seen[1 - side]!.has(other)) return true;
        if (seen[side].has(other)) continue;
        seen[side].add(other);
        next.push(other);
        if (seen[0].size + seen[1].size > budget) return false;
      }
    }
    frontier[side] = next;
  }
  return false;
}
