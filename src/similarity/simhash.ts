/**
 * Random-hyperplane LSH (SimHash) for embeddings: two vectors at angle θ agree on each
 * signature bit with probability 1 − θ/π, so near vectors share a band of bits. Planes
 * are ±1 per dimension from an integer hash of (seed, plane, dimension): no Math.random,
 * no floating point, so the same vector always lands in the same buckets.
 */

export const SIMHASH_BANDS = 16;
export const SIMHASH_ROWS = 8;
const PLANES = SIMHASH_BANDS * SIMHASH_ROWS;
const SEED = 0x5eed_ca17;

/** murmur3's 32-bit finaliser: a cheap, well-mixed integer hash. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Pure function of the dimension, memoised: PLANES × dim signs.
const planesByDim = new Map<number, Int8Array>();
function planes(dim: number): Int8Array {
  let p = planesByDim.get(dim);
  if (!p) {
    p = new Int8Array(PLANES * dim);
    for (let k = 0; k < PLANES; k++) {
      for (let d = 0; d < dim; d++) p[k * dim + d] = mix32(SEED ^ mix32(k * 0x9e37_79b1 + d)) & 1 ? 1 : -1;
    }
    planesByDim.set(dim, p);
  }
  return p;
}

/** One bucket key per band, e.g. "3:a7"; vectors of different models must be kept apart by the caller. */
export function simhashBands(q: Int8Array): string[] {
  const dim = q.length;
  const p = planes(dim);
  const keys: string[] = [];
  for (let band = 0; band < SIMHASH_BANDS; band++) {
    let bits = 0;
    for (let row = 0; row < SIMHASH_ROWS; row++) {
      const k = band * SIMHASH_ROWS + row;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += p[k * dim + d]! * q[d]!;
      bits = (bits << 1) | (dot >= 0 ? 1 : 0);
    }
    keys.push(`${band}:${bits.toString(16)}`);
  }
  return keys;
}
