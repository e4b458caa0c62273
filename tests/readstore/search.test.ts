import { describe, expect, it } from 'vitest';
import { rankedPage, tablesSearchIndex } from '../../src/readstore/search.js';
import { searchWords } from '../../src/readstore/search-docs.js';
import { joined } from '../signals/helpers.js';
import { tablesOver } from './fold-tables.js';

describe('ranked search over the tables', () => {
  it('ranks the newest matches when there are more than it ranks, and says how many matched', async () => {
    const log = joined({ ada: 'explorer', bo: 'builder' });
    for (let i = 0; i < 30; i++) log.add('MessagePosted', { messageId: `m-${i}`, from: i % 2 ? 'ada' : 'bo', to: 'all', body: `pool note ${i}${i === 3 ? ' pool pool' : ''}` });
    const db = tablesOver(log.events, [10, 20]);
    const index = tablesSearchIndex(db);
    const head = log.head;
    const all = await rankedPage(index, searchWords('the pool'), {}, head, { limit: 100, offset: 0 });
    expect(all.matched).toBe(30);
    expect(all.hits[0]!.ref).toBe('m-3'); // "pool" three times
    const capped = await rankedPage(index, searchWords('pool'), {}, head, { limit: 100, offset: 0 }, 10);
    expect(capped.matched).toBe(30);
    expect(capped.page.total).toBe(10);
    // The newest ten, m-20 to m-29, ranked: m-3 is older than them.
    expect(capped.hits.map((h) => h.ref).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m-${20 + i}`).sort());
  });

  it('leaves stop words out of documents and queries', () => {
    expect(searchWords('The pools, and the Retries!')).toEqual(['pool', 'retri']);
    expect(searchWords('the and of')).toEqual([]);
  });
});
