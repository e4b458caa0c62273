import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchWords } from '../../src/readstore/search-docs.js';
import { isAscii, terms, unifySpelling, words } from '../../src/similarity/tokenize.js';

// Text an agent might write in ASCII: letters of both cases, digits, apostrophes, punctuation,
// and the endings the spelling rules rewrite.
const asciiText = fc
  .array(fc.constantFrom('a', 'E', 'z', 'Q', 'r', 'o', 'u', 's', 'y', '0', '7', "'", '-', '.', ',', ' ', ' ', '\n', 'is', 'ise', 'our', 'yse', 'ising', "'s", "n't", 'Retry-After'), { maxLength: 40 })
  .map((parts) => parts.join(''));

/** The same text with a non-ASCII word after it, which sends it down the Unicode path. */
const unicodeTail = (text: string) => `${text} é`;

describe('ASCII text takes a fast path that finds the same words as the Unicode one', () => {
  it('words: the same words, in order', () => {
    fc.assert(
      fc.property(asciiText, (text) => {
        expect(isAscii(text)).toBe(true);
        expect(words(text)).toEqual(words(unicodeTail(text)).slice(0, -1));
      }),
      { numRuns: 500 },
    );
  });

  it('search words: the same stems, in order', () => {
    fc.assert(
      fc.property(asciiText, (text) => {
        expect(searchWords(text)).toEqual(searchWords(unicodeTail(text)).slice(0, -1));
      }),
      { numRuns: 500 },
    );
  });

  it('spelling: the ASCII rules rewrite a lower-case ASCII word as the Unicode ones do', () => {
    const unicodeRules = (word: string) =>
      word.length < 6 ? word : word.replace(/(?<=\p{L}{3})is(e|ed|es|ing|ation|ations|er|ers)$/u, 'iz$1').replace(/(?<=\p{L}{3})our$/u, 'or').replace(/(?<=\p{L}{3})yse$/u, 'yze');
    fc.assert(
      fc.property(asciiText, (text) => {
        for (const word of words(text)) expect(unifySpelling(word)).toBe(unicodeRules(word));
      }),
      { numRuns: 500 },
    );
    expect(['behaviour', 'organisations', 'analyse', 'colours', 'a1bise'].map(unifySpelling)).toEqual(['behavior', 'organizations', 'analyze', 'colours', 'a1bise']);
  });

  it('text with accents still takes the Unicode path', () => {
    expect(words('Café behaviour')).toEqual(['café', 'behaviour']);
    expect(searchWords('Café résumé')).toEqual(searchWords('cafe resume'));
    expect(terms('Organisation’s behaviour')).toEqual(terms("organization's behavior"));
  });
});
