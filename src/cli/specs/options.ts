import { DEFAULT_LIMIT } from '../../app/page.js';

/** Flags several commands share. */
export const TAGS = { flags: '--tag <tag>', key: 'tags', description: 'a tag (repeat or comma-separate)', list: true };
export const ID = (what: string) => ({ flags: '--id <id>', key: 'id', description: `choose the ${what} id instead of a generated one` });
export const ANSWERS = { flags: '--question <question>', key: 'question', description: 'the question it answers' };
export const BY = { flags: '--by <instance>', key: 'by', description: 'only this author' };
export const LEASE = { flags: '--lease <duration>', key: 'lease', description: 'lease length, e.g. 30m, 2h (default 15m)' };
export const PAGING = [
  { flags: '--limit <n>', key: 'limit', description: `at most this many (default ${DEFAULT_LIMIT})`, int: true },
  { flags: '--cursor <cursor>', key: 'cursor', description: 'continue after the last one shown (the `next` of an earlier page)' },
];
