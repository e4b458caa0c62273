import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { once } from '../memo.js';
import { own } from './own.js';

/**
 * WordNet by Porter stem (built by scripts/build-lexicon.mjs into dist/lexicon-*.json): the
 * senses each stem's words have in common use, and its antonyms. Each part is loaded on its
 * first use, never before: most commands compare nothing, and a contrast between two findings
 * needs only the antonyms, a file a seventh the size of the senses.
 */
export type Senses = (stem: string) => readonly number[] | undefined;
export type Antonyms = (stem: string) => readonly string[] | undefined;

/** From the compiled modules (dist/src/similarity) or from the sources (src/similarity). */
const DIRS = ['../../', '../../dist/'];

function load<T>(name: string): (stem: string) => T | undefined {
  for (const dir of DIRS) {
    const path = fileURLToPath(new URL(`${dir}lexicon-${name}.json`, import.meta.url));
    if (!existsSync(path)) continue;
    const stems = (JSON.parse(readFileSync(path, 'utf8')) as { stems: Record<string, T> }).stems;
    // Read in place through own(): a stem such as "constructor" must not find Object's. (Copying
    // the entries into a prototype-less object instead cost a CLI call ~2 ms more than parsing them.)
    return (stem) => own(stems, stem);
  }
  // Comparing without it would give other answers than the log gives elsewhere: refuse, loudly.
  throw new Error(`dist/lexicon-${name}.json is missing: run \`npm run build\` (it builds the WordNet lexicon the claim matcher needs)`);
}

export const sensesOfStems: () => Senses = once(() => load<number[]>('senses'));
export const antonymsOfStems: () => Antonyms = once(() => load<string[]>('antonyms'));
