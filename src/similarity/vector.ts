/**
 * Embedding vectors as they live in projection state: unit-normalised, quantised to int8
 * and base64-encoded. 768 floats become ~1 KB of JSON instead of ~15 KB, cosine is kept to
 * about ±0.01, and everything after quantisation is integer arithmetic, hence exact on replay.
 */

/** Unit-normalises and quantises a vector; a zero vector quantises to zeros. */
export function quantize(vector: readonly number[]): string {
  const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
  const q = Int8Array.from(vector, (x) => Math.max(-127, Math.min(127, Math.round((x / norm) * 127))));
  return Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64');
}

export function dequantize(encoded: string): Int8Array {
  const bytes = Buffer.from(encoded, 'base64');
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Cosine of two quantised vectors; 0 when their dimensions differ. */
export function cosineQ(a: Int8Array, b: Int8Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
