import { CURRENT_SCHEMA_VERSION, type StoredEvent } from '../../events/index.js';
import { mix32 } from '../similarity/simhash.js';

/**
 * A synthetic log of findings for benchmarks: words drawn from a Zipf distribution over a
 * made-up vocabulary (so a few words are in a good share of findings, as "agent" and
 * "task" are in a real log), a dozen instances that sync now and then, and some cites. Deterministic.
 */

const SYLLABLES = ['ka', 'lo', 'mi', 'ten', 'ru', 'sa', 'vo', 'ne', 'dri', 'po', 'gal', 'shu', 'fe', 'zin', 'bo', 'qua', 'rel', 'mon', 'tis', 'ur'];

function vocabulary(size: number): string[] {
  const words: string[] = [];
  for (let i = 0; words.length < size; i++) {
    let w = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
    words.push(w + 'x');
  }
  return words;
}

export function syntheticFindings(count: number, seed = 7, vocabularySize = 30_000): StoredEvent[] {
  const words = vocabulary(vocabularySize);
  const cdf: number[] = [];
  let total = 0;
  // Zipf from rank 10 on: the tokenizer has already removed the very top of English.
  for (let r = 1; r <= vocabularySize; r++) cdf.push((total += 1 / (r + 10)));
  let state = seed >>> 0;
  const random = () => (state = mix32(state + 0x9e37_79b9)) / 2 ** 32;
  const zipf = () => {
    const x = random() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
  const events: StoredEvent[] = [];
  const synced = new Map<string, bigint>();
  for (let k = 1; k <= count; k++) {
    const instance = `agent-${Math.floor(random() * 12)}`;
    if (random() < 0.05) synced.set(instance, BigInt(k - 1));
    const summary = Array.from({ length: 8 + Math.floor(random() * 16) }, zipf).join(' ');
    const cites = k > 10 && random() < 0.1 ? [`f${1 + Math.floor(random() * (k - 1))}`] : [];
    events.push({
      type: 'FindingRecorded',
      data: { findingId: `f${k}`, by: instance, summary, tags: [], cites },
      metadata: {
        eventId: `00000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`,
        instanceId: instance,
        role: ['explorer', 'builder', 'reflector'][k % 3]!,
        at: new Date(Date.UTC(2026, 0, 1) + k * 1000).toISOString(),
        seenUpTo: String(synced.get(instance) ?? 0n),
        schemaVersion: CURRENT_SCHEMA_VERSION,
      },
      streamName: `finding-f${k}`,
      revision: 0n,
      position: BigInt(k),
    });
  }
  return events;
}
