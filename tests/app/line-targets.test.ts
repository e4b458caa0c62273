import { describe, expect, it } from 'vitest';
import { monthOfWork } from '../../bench/support/month.js';
import type { LineTarget } from '../../src/app/line-targets.js';

/**
 * Import's first pass checks every other batch of lines in a second thread once a file is
 * big enough: it must see exactly what one thread sees, line numbers and refusals included.
 * The worker is compiled: the module is loaded from dist, as the CLI runs it.
 */
const { lineTargets } = (await import(new URL('../../dist/src/app/line-targets.js', import.meta.url).href)) as typeof import('../../src/app/line-targets.js');

const LINES = 45_000;

async function* linesOf(texts: string[]): AsyncGenerator<string> {
  yield* texts;
}

async function targets(texts: string[], parallel: boolean): Promise<LineTarget[] | string> {
  const out: LineTarget[] = [];
  try {
    for await (const batch of lineTargets(linesOf(texts), { parallel })) out.push(...batch);
    return out;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("import's first pass in two threads", () => {
  const texts = [...monthOfWork({ events: LINES, seed: 4 })].map((e) => JSON.stringify(e));
  // Blank lines are skipped but counted, as a line number must name the file's own line.
  texts.splice(30_000, 0, '', '   ');

  it('gives every line the target, and the number, one thread gives', async () => {
    const alone = await targets(texts, false);
    const shared = await targets(texts, true);
    expect(Array.isArray(alone) && alone.length).toBe(LINES);
    expect(shared).toEqual(alone);
    expect((alone as LineTarget[])[30_000]!.line).toBe(30_003);
  });

  it('refuses the first bad line, whichever thread checked it, naming it and the field', async () => {
    // In batches of 2,000: the first 22,000 lines are checked in this thread, then every other
    // batch in the other: line 25,000's here, 27,000's and 35,000's there.
    for (const bad of [21_000, 25_000, 27_000, 35_000]) {
      const broken = [...texts];
      broken[bad - 1] = JSON.stringify({ ...JSON.parse(broken[bad - 1]!), data: { by: 'not an id!' } });
      broken[bad + 100] = '{ not json';
      const refusal = await targets(broken, true);
      expect(refusal).toMatch(new RegExp(`^line ${bad}: data`));
      expect(refusal).toBe(await targets(broken, false));
    }
  });
});
