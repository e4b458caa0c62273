import { stemmer } from 'stemmer';
import type { StoredEvent } from '../../events/index.js';
import { topicKey } from '../../projections/shared.js';
import { boundedMemo } from '../memo.js';
import { isAscii, isStopWord } from '../similarity/tokenize.js';
import type { SearchDoc } from '../store/search-port.js';

/**
 * The searchable documents of the log and their words, the same for every index: letters
 * and digits, accents dropped, lower-cased, stop words ("the", "and"…) left out, Porter-
 * stemmed ("retries" and "retry" are one word). A query is cut into words the same way.
 */

/**
 * Bump when searchWords or searchDocOf changes what is indexed: PostgreSQL's index is then
 * rebuilt (postgres-search.ts), and so are the tables (bump READ_STORE_VERSION with it).
 */
export const SEARCH_WORDS_VERSION = 1;

// Documents reuse a small vocabulary: each word is stemmed once.
const stemOf = boundedMemo(stemmer, 50_000);

export function searchWords(text: string): string[] {
  // ASCII text has no accents to drop, and its letters and digits are a-z and 0-9 (see isAscii).
  const words = (isAscii(text) ? text.toLowerCase().match(/[a-z0-9]+/g) : text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu)) ?? [];
  return words.filter((word) => !isStopWord(word)).map(stemOf);
}

/** The document an event adds to search, if it adds one. */
export function searchDocOf(event: StoredEvent): SearchDoc | undefined {
  // Every field named, not spread from a shared base: a fold builds one per finding, task and
  // message, and the spread made building a document four times as slow as finding its words.
  const doc = (kind: SearchDoc['kind'], ref: string, author: string, text: string, extra: readonly string[], topic: string | null = null): SearchDoc => {
    const words = searchWords(extra.length === 0 ? text : [text, ...extra].join('\n'));
    const { role, at } = event.metadata;
    return { position: event.position, role, atMs: Date.parse(at), kind, ref, author, topic, text, words: words.join(' '), length: words.length };
  };
  switch (event.type) {
    case 'FindingRecorded': {
      const d = event.data;
      return doc('finding', d.findingId, d.by, d.summary, [d.topic ?? '', ...d.tags], d.topic === undefined ? null : topicKey(d.topic));
    }
    case 'SynthesisPublished':
      return doc('synthesis', event.data.synthesisId, event.data.by, event.data.summary, event.data.tags);
    case 'QuestionPosed':
      return doc('question', event.data.questionId, event.data.askedBy, event.data.text, event.data.tags);
    case 'TaskProposed':
      return doc('task', event.data.taskId, event.data.proposedBy, event.data.title, [event.data.description ?? '', ...event.data.tags]);
    case 'MessagePosted':
      return doc('message', event.data.messageId, event.data.from, event.data.body, []);
    default:
      return undefined;
  }
}
