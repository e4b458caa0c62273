import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import { boundedMemo } from '../memo.js';

/**
 * Text → comparable terms: NFKC, lower case, Unicode letters and digits, English stop
 * words removed, Porter stems. Two agents writing "converging" and "convergence" must
 * meet on the same term; "the" and "should" must not make unrelated findings look alike.
 */

// Function words the stopword list lacks; negations included: lexically they are noise.
const EXTRA_STOP = ['its', 'so', 'when', 'will', 'may', 'does', 'doesn', 'don', 'just', 'not', 'no', 'nor', 'without', 'via', 'per', 'etc', 'yet', 'whether', 'upon', 'onto', 'us', 'isn', 'aren', 'wasn', 'won', 'shall', 'ever', 'even', 'every', 'again', 'else', 'one', 'ones'];
const STOP: ReadonlySet<string> = new Set([...eng, ...EXTRA_STOP]);

/** A word too common to tell texts apart (lower-case, unstemmed). */
export const isStopWord = (word: string): boolean => STOP.has(word);

/**
 * Most of what agents write is ASCII, whose words need no Unicode property classes: compiling
 * those regular expressions cost a one-shot CLI call about a millisecond (V8 keeps no
 * compiled regular expression in its code cache). For ASCII text each ASCII pattern below
 * matches exactly what its Unicode twin does (tests/signals/tokenize.test.ts checks it):
 * NFKC and NFKD leave ASCII as it is, and once lower-cased its letters are a-z.
 */
const ASCII = /^[\x00-\x7f]*$/;
export const isAscii = (text: string): boolean => ASCII.test(text);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const ASCII_WORD = /[a-z0-9]+(?:'[a-z]+)*/g;

/** British and American spellings meet (behaviour/behavior, synchronise/synchronize), in a lower-case word. */
export const unifySpelling = (word: string): string => {
  if (word.length < 6) return word;
  if (isAscii(word)) return word.replace(/(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)$/, 'iz$1').replace(/(?<=[a-z]{3})our$/, 'or').replace(/(?<=[a-z]{3})yse$/, 'yze');
  return word.replace(/(?<=\p{L}{3})is(e|ed|es|ing|ation|ations|er|ers)$/u, 'iz$1').replace(/(?<=\p{L}{3})our$/u, 'or').replace(/(?<=\p{L}{3})yse$/u, 'yze');
};

/** The words of a text, lower-cased, possessives and contractions cut ("agent's" → "agent", "they're" → "they"). */
export function words(text: string): string[] {
  const out: string[] = [];
  const ascii = isAscii(text);
  for (const [raw] of (ascii ? text.toLowerCase() : text.normalize('NFKC').toLowerCase()).matchAll(ascii ? ASCII_WORD : WORD)) {
    // Both patterns need an apostrophe; most words have none.
    out.push(raw.includes("'") || raw.includes('’') ? raw.replace(/['’](?:s|t|re|ve|ll|d|m)$/u, '').replace(/['’]/gu, '') : raw);
  }
  return out;
}

// word → its term (null for a stop word or a word too short). Findings reuse a small
// vocabulary; stemming each occurrence again was most of the cost of indexing.
const termOf = boundedMemo((word): string | null => (word.length < 2 || STOP.has(word) ? null : stemmer(unifySpelling(word))), 50_000);

/** The stemmed content terms of a text, in order, repeats kept. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const term = termOf(word);
    if (term !== null) out.push(term);
  }
  return out;
}

/** Term → count, as a plain object with sorted keys (stable JSON, no prototype keys). */
export function termCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const term of terms(text)) counts[term] = (counts[term] ?? 0) + 1;
  const sorted: Record<string, number> = {};
  for (const term of Object.keys(counts).sort()) sorted[term] = counts[term]!;
  return sorted;
}
