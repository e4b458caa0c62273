import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * WordNet by Porter stem (built by scripts/build-lexicon.mjs into dist/lexicon.json): the
 * senses each stem's words have in common use, and its antonyms. Loaded once, on the first
 * comparison of two findings, never before: most commands compare nothing.
 */
export interface Lexicon {
  senses: Record<string, number[]>;
  antonyms: Record<string, string[]>;
}

let loaded: Lexicon | undefined;

/** dist/lexicon.json, from the compiled modules (dist/src/similarity) or from the sources (src/similarity). */
const CANDIDATES = ['../../lexicon.json', '../../dist/lexicon.json'];

export function lexicon(): Lexicon {
  if (loaded) return loaded;
  for (const relative of CANDIDATES) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (!existsSync(path)) continue;
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Lexicon;
    // No prototype: a stem such as "constructor" must be an ordinary key.
    loaded = { senses: Object.assign(Object.create(null), raw.senses), antonyms: Object.assign(Object.create(null), raw.antonyms) };
    return loaded;
  }
  // Comparing without it would give other answers than the log gives elsewhere: refuse, loudly.
  throw new Error('dist/lexicon.json is missing: run `npm run build` (it builds the WordNet lexicon the claim matcher needs)');
}
