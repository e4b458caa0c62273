import { boundedMemo } from '../memo.js';
import { antonymsOfStems, sensesOfStems } from './lexicon.js';
import { termSet } from './tfidf.js';
import { terms, words } from './tokenize.js';

/**
 * "Says the same thing", not "is about the same thing". Two findings on one topic share most
 * of their words whether they agree or not, so word overlap alone cannot tell a rewording
 * from another claim. These features look at what a rewording keeps and another claim
 * changes: the same content in other words (WordNet senses), the same polarity (negation),
 * the same figures, no antonym swapped in, no name or identifier swapped for another.
 *
 * Measured on eval/convergence: a small logistic model over them (claim-model.ts, trained by
 * `npm run train:matcher` on the tune pairs only) did worse on the held-out pairs than the
 * lexical cosine alone, so the default matcher does not use it; the contrasts are shown beside
 * each candidate instead, for the agents who judge it (docs/convergence.md has the figures).
 */

export interface ClaimFeatures {
  /** IDF-weighted cosine of the stems. */
  lexical: number;
  /** IDF-weighted share of each side's stems found on the other, directly or through a shared WordNet sense (mean of both ways). */
  soft: number;
  /** Exactly one side is negated (an odd number of negations more than the other). */
  negation: number;
  /** Both sides give figures, and none of them agree. */
  numbers: number;
  /** A stem on one side has its WordNet antonym on the other. */
  antonym: number;
  /** Each side names something (a capitalised word, an identifier, a path) the other does not. */
  entity: number;
  /** IDF-weighted share of stems left unmatched on the side with more of them. */
  unmatched: number;
}

export const FEATURE_NAMES: readonly (keyof ClaimFeatures)[] = ['lexical', 'soft', 'negation', 'numbers', 'antonym', 'entity', 'unmatched'];

/** What one side contributes, computed once per text. */
export interface ClaimSide {
  stems: string[];
  /** The stems again, to ask of them at once. */
  stemSet: ReadonlySet<string>;
  /** Each stem that has antonyms with those not among the side's own stems: what another side may swap in. */
  opposites: ReadonlyArray<readonly [stem: string, antonyms: readonly string[]]>;
  negations: number;
  numbers: string[];
  entities: string[];
}

const NEGATIONS = new Set([
  'not', 'no', 'never', 'none', 'nothing', 'nobody', 'neither', 'nor', 'without', 'cannot', 'nowhere',
  // Contractions as words() leaves them ("doesn't" → "doesn").
  'doesn', 'don', 'didn', 'isn', 'aren', 'wasn', 'weren', 'won', 'wouldn', 'couldn', 'shouldn', 'hasn', 'haven', 'hadn', 'can', 'mustn',
]);
// "can" alone is no negation: only "can't" / "cannot" is, and words() turns "can't" into "can".
const CONTRACTED = /\b(?:can|won|don|doesn|didn|isn|aren|wasn|weren|wouldn|couldn|shouldn|hasn|haven|hadn|mustn)['’]t\b/giu;

const SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30,
  forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100, thousand: 1_000, million: 1_000_000, billion: 1_000_000_000,
  half: 0.5, third: 1 / 3, quarter: 0.25, twice: 2, double: 2, doubled: 2, twofold: 2, triple: 3, tripled: 3, threefold: 3, tenfold: 10,
  fortnightly: 14, dozen: 12,
};

const figure = (value: number): string => String(Math.round(value * 1000) / 1000);

/**
 * Figures as normalised values: "1,000" and "one thousand" meet, "1e-4" and "0.0001" meet, and
 * a percentage also stands for its fraction ("50 percent" meets "half").
 */
function figuresOf(text: string): string[] {
  const out = new Set<string>();
  const add = (value: number, percent: boolean) => {
    out.add(figure(value));
    if (percent) out.add(figure(value / 100));
  };
  for (const m of text.matchAll(/\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?(\s*(?:%|percent|per cent))?/gi)) {
    const value = Number(m[0].replace(/%|per\s*cent|,|\s/gi, ''));
    if (Number.isFinite(value)) add(value, m[1] !== undefined);
  }
  const ws = words(text);
  let pending: number | undefined;
  const flush = (i: number) => {
    if (pending !== undefined) add(pending, ws[i] === 'percent');
    pending = undefined;
  };
  ws.forEach((w, i) => {
    const v = SMALL[w];
    if (v === undefined) return flush(i);
    if (pending !== undefined && v >= 100 && pending < v) pending *= v; // "two hundred"
    else if (pending !== undefined && pending >= 20 && v < 10) pending += v; // "seventy two"
    else {
      flush(i);
      pending = v;
    }
  });
  flush(ws.length);
  // "one" is mostly an article ("one shard"); keep it only when it is the only figure.
  if (out.size > 1) out.delete('1');
  return [...out].sort();
}

/** Names and identifiers: capitalised words past the first, and tokens with digits, dots, slashes or underscores. */
function entitiesOf(text: string): string[] {
  const out = new Set<string>();
  const tokens = text.split(/[\s,;:()"'“”‘’!?]+/).filter(Boolean);
  tokens.forEach((token, i) => {
    const t = token.replace(/[.]+$/, '');
    if (t.length < 2) return;
    const identifier = /[_/]|[a-z][A-Z]|\.[a-z]/.test(t) || (/\d/.test(t) && /[A-Za-z]/.test(t));
    const named = i > 0 && /^\p{Lu}/u.test(t);
    if (identifier || named) out.add(t.toLowerCase());
  });
  return [...out].sort();
}

// An earlier finding that is a candidate for many later ones is read once, not once per comparison.
export const claimSide: (text: string) => ClaimSide = boundedMemo(readSide, 20_000);

function readSide(text: string): ClaimSide {
  const ws = words(text);
  let negations = 0;
  for (const w of ws) if (NEGATIONS.has(w) && w !== 'can') negations++;
  negations += [...text.matchAll(CONTRACTED)].filter((m) => m[0].toLowerCase().startsWith('can')).length;
  const stems = termSet(terms(text));
  const stemSet = new Set(stems);
  const antonyms = antonymsOfStems();
  const opposites: [string, string[]][] = [];
  for (const t of stems) {
    const others = (antonyms(t) ?? []).filter((x) => !stemSet.has(x));
    if (others.length > 0) opposites.push([t, others]);
  }
  return { stems, stemSet, opposites, negations, numbers: figuresOf(text), entities: entitiesOf(text) };
}

/** Weighted share of `from`'s stems found among the other side's (`direct`, its stem set), directly or through a shared sense. */
function coverage(from: readonly string[], direct: ReadonlySet<string>, toSenses: ReadonlySet<number>, weight: (t: string) => number): number {
  const senses = sensesOfStems();
  let total = 0;
  let matched = 0;
  for (const t of from) {
    const w = weight(t);
    total += w;
    if (direct.has(t) || (senses(t) ?? []).some((s) => toSenses.has(s))) matched += w;
  }
  return total === 0 ? 0 : matched / total;
}

const sensesOf = (stems: readonly string[]): Set<number> => {
  const senses = sensesOfStems();
  return new Set(stems.flatMap((t) => senses(t) ?? []));
};

/** A stem of `a` that `b` lacks, with one of its antonyms in `b` that `a` lacks. */
const hasAntonym = (a: ClaimSide, b: ClaimSide): boolean => a.opposites.some(([t, xs]) => !b.stemSet.has(t) && xs.some((x) => b.stemSet.has(x)));

const onlyIn = (a: readonly string[], b: readonly string[]) => a.some((x) => !b.includes(x));

/** What can tell two claims apart though their words agree. */
export type Contrast = 'negation' | 'numbers' | 'antonym' | 'entity';

function contrastFlags(a: ClaimSide, b: ClaimSide): Record<Contrast, number> {
  return {
    negation: a.negations % 2 !== b.negations % 2 ? 1 : 0,
    // Figures contradict only when they share no value at all: rewordings often add one ("a day", "24 hours").
    numbers: a.numbers.length > 0 && b.numbers.length > 0 && !a.numbers.some((x) => b.numbers.includes(x)) ? 1 : 0,
    antonym: hasAntonym(a, b) || hasAntonym(b, a) ? 1 : 0,
    entity: onlyIn(a.entities, b.entities) && onlyIn(b.entities, a.entities) ? 1 : 0,
  };
}

/** The contrasts between two findings' texts: shown beside a candidate so a judge looks twice. */
export function contrastsOf(a: string, b: string): Contrast[] {
  const flags = contrastFlags(claimSide(a), claimSide(b));
  return (Object.keys(flags) as Contrast[]).filter((k) => flags[k] === 1);
}

/** The features of a pair; `weight` is each stem's IDF in the log so far, `lexical` its IDF cosine. */
export function claimFeatures(a: ClaimSide, b: ClaimSide, lexical: number, weight: (t: string) => number): ClaimFeatures {
  const forward = coverage(a.stems, b.stemSet, sensesOf(b.stems), weight);
  const backward = coverage(b.stems, a.stemSet, sensesOf(a.stems), weight);
  return { lexical, soft: (forward + backward) / 2, ...contrastFlags(a, b), unmatched: 1 - Math.min(forward, backward) };
}

export interface ClaimModel {
  weights: Record<keyof ClaimFeatures, number>;
  bias: number;
  /** The probability above which a pair counts as the same claim. */
  threshold: number;
}

/** The model's probability that the two findings make the same claim (the trained one is in claim-model.ts). */
export function claimProbability(features: ClaimFeatures, model: ClaimModel): number {
  let z = model.bias;
  for (const name of FEATURE_NAMES) z += model.weights[name] * features[name];
  return 1 / (1 + Math.exp(-z));
}
