import { describe, expect, it } from 'vitest';
import { SeriesCache, type SeriesPoint } from '../../src/server/series.js';

/**
 * A series folds the log from its first event (a minute or more at a million events) and
 * every open dashboard asks for one every few seconds: one fold serves them all.
 */

const point = (position: string): SeriesPoint[] => [{ at: '2026-12-01T00:00:00.000Z', position, view: {} }];

function given() {
  let now = 0;
  const cache = new SeriesCache(() => now);
  let folds = 0;
  const fold = (position: string) => async () => {
    folds++;
    return point(position);
  };
  return { cache, fold, folds: () => folds, advance: (ms: number) => (now += ms) };
}

describe('series shared between requests', () => {
  it('requests while a series folds wait for that fold', async () => {
    const { cache, fold, folds } = given();
    const [a, b] = await Promise.all([cache.get('health:12:live', false, fold('1')), cache.get('health:12:live', false, fold('2'))]);
    expect(folds()).toBe(1);
    expect(b).toBe(a);
  });

  it('a live series is reused for 15 s, then refreshed', async () => {
    const { cache, fold, folds, advance } = given();
    await cache.get('health:12:live', false, fold('1'));
    advance(14_000);
    expect(await cache.get('health:12:live', false, fold('2'))).toEqual(point('1'));
    advance(2_000);
    expect(await cache.get('health:12:live', false, fold('3'))).toEqual(point('3'));
    expect(folds()).toBe(2);
  });

  it('a first fold that took long does not hold the chart back: a refresh folds only what is new', async () => {
    let now = 0;
    const cache = new SeriesCache(() => now);
    await cache.get('health:12:live', false, async () => {
      now += 60_000; // the first fold, from the first event, took a minute
      return point('1');
    });
    now += 16_000;
    expect(await cache.get('health:12:live', false, async () => point('2'))).toEqual(point('2'));
  });

  it('a series ending at a past position is kept: the log before it never changes', async () => {
    const { cache, fold, folds, advance } = given();
    await cache.get('health:12:500', true, fold('500'));
    advance(24 * 3_600_000);
    expect(await cache.get('health:12:500', true, fold('x'))).toEqual(point('500'));
    expect(folds()).toBe(1);
  });

  it('a failed fold is not kept: the next request folds again', async () => {
    const { cache, fold } = given();
    await expect(cache.get('health:12:live', false, async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(await cache.get('health:12:live', false, fold('2'))).toEqual(point('2'));
  });

  it('a fold every waiting request has left stops and is not kept; one a request still waits for goes on', async () => {
    const cache = new SeriesCache(() => 0);
    const stopped: boolean[] = [];
    /** A fold that ends when told, or stops when its signal fires. */
    const slowFold = () => {
      let finish!: () => void;
      const compute = (signal: AbortSignal) =>
        new Promise<SeriesPoint[]>((resolve, reject) => {
          finish = () => resolve(point('9'));
          signal.addEventListener('abort', () => {
            stopped.push(true);
            reject(new Error('stopped'));
          });
        });
      return { compute: (signal: AbortSignal) => compute(signal), finish: () => finish() };
    };

    // Two requests wait; one leaves: the fold goes on, and the other gets it.
    const shared = slowFold();
    const [first, second] = [new AbortController(), new AbortController()];
    const a = cache.get('health:12:700', true, shared.compute, first.signal);
    const b = cache.get('health:12:700', true, shared.compute, second.signal);
    first.abort();
    shared.finish();
    expect(await b).toEqual(point('9'));
    await a;
    expect(stopped).toEqual([]);

    // The only request leaves: the fold stops, and the next request folds anew.
    const alone = slowFold();
    const leaving = new AbortController();
    const gone = cache.get('health:12:800', true, alone.compute, leaving.signal);
    leaving.abort();
    await expect(gone).rejects.toThrow('stopped');
    expect(stopped).toEqual([true]);
    expect(await cache.get('health:12:800', true, async () => point('8'))).toEqual(point('8'));

    // A request that comes after the last one left, while the stopped fold is still ending,
    // gets a fold of its own, never the stopped one's failure.
    const stopping = slowFold();
    const left = new AbortController();
    const abandoned = cache.get('health:12:900', true, stopping.compute, left.signal);
    left.abort();
    const next = cache.get('health:12:900', true, async () => point('9b'));
    await expect(abandoned).rejects.toThrow('stopped');
    expect(await next).toEqual(point('9b'));
  });
});
