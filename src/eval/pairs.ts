import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The labelled pairs of eval/convergence: does a pair of findings say the same thing? Each
 * pair falls in `tune` or `heldout` by the hash of its id, so the split never depends on the
 * order of the files or on what is measured; only `tune` may be looked at while choosing.
 */

export interface LabelledPair {
  id: string;
  same: boolean;
  /** paraphrase, negation, antonym, number, entity, direction, topic, or sts-<part>. */
  kind: string;
  a: string;
  b: string;
  split: 'tune' | 'heldout';
}

export const PAIR_FILES = ['agent-pairs.tsv', 'sts-pairs.tsv'];

/** About 60 % of the pairs, chosen by hash: the part a matcher may be tuned on. */
export const splitOf = (id: string): LabelledPair['split'] => (createHash('sha256').update(id).digest()[0]! < 154 ? 'tune' : 'heldout');

export function parsePairs(tsv: string): LabelledPair[] {
  const [header, ...lines] = tsv.split('\n').filter((line) => line.trim() !== '');
  const columns = header!.split('\t');
  const at = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`labelled pairs: no column "${name}"`);
    return i;
  };
  const [id, same, kind, a, b] = ['id', 'same', 'kind', 'a', 'b'].map(at) as [number, number, number, number, number];
  return lines.map((line) => {
    const f = line.split('\t');
    return { id: f[id]!, same: f[same] === '1', kind: f[kind]!, a: f[a]!, b: f[b]!, split: splitOf(f[id]!) };
  });
}

/** eval/convergence/ from the compiled module (dist/src/eval) or from the sources (src/eval). */
const PAIRS_DIR = ['../../../eval/convergence/', '../../eval/convergence/'].map((r) => fileURLToPath(new URL(r, import.meta.url))).find((d) => existsSync(d));

/** Every labelled pair in the repository. */
export function loadPairs(dir = PAIRS_DIR ?? 'eval/convergence/'): LabelledPair[] {
  return PAIR_FILES.flatMap((file) => parsePairs(readFileSync(`${dir}${file}`, 'utf8')));
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

/** Precision, recall and F1 of "same" predictions. */
export function scoresOf(pairs: readonly LabelledPair[], predictSame: (pair: LabelledPair) => boolean): Scores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const pair of pairs) {
    const said = predictSame(pair);
    if (said && pair.same) tp++;
    else if (said) fp++;
    else if (pair.same) fn++;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), tp, fp, fn };
}
