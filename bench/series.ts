import { join } from 'node:path';
import { CURRENT_SCHEMA_VERSION } from '../events/index.js';
import { appOver } from '../src/app/app.js';
import { importExport } from '../src/app/transfer.js';
import { VIEWS } from '../src/app/views.js';
import { LiveSeries } from '../src/server/live-series.js';
import { viewSeries } from '../src/server/series.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { uuidFor } from './support/events.js';
import { monthOfWork } from './support/month.js';
import { sized, type Benchmark, type Figure } from './support/figure.js';
import { fmt, settle } from './support/stats.js';

/**
 * The health panel's chart (`GET /api/series?view=health&points=12`) over a month of work:
 * a series folded from the first event, as every refresh of an open dashboard once did,
 * against a live series refreshed after more events were appended, which folds only those.
 * Both in the same process on the same log.
 */
export const seriesBenchmark: Benchmark = {
  name: 'series',
  description: "the dashboard's health chart: a fold from the first event vs a live series refreshed after new events",
  async run(ctx) {
    const count = sized(ctx, 200_000, 5_000, 1000);
    const appended = sized(ctx, 1_000, 100, 10);
    const store = openSqliteStore(join(ctx.dir, 'series.db'), { create: true });
    const app = appOver(store, { cacheDir: join(ctx.dir, 'series-cache') });
    const live = new LiveSeries(app, VIEWS.health!, 12);
    try {
      await importExport(store, async function* () {
        for (const event of monthOfWork({ events: count })) yield JSON.stringify(event);
      });
      let now = 0;
      for await (const last of store.readAll({ direction: 'backwards', maxCount: 1 })) now = Date.parse((last.metadata as { at: string }).at) + 60_000;
      const timed = async (run: () => Promise<unknown>) => {
        await settle();
        const start = performance.now();
        await run();
        return performance.now() - start;
      };
      const full = await timed(() => viewSeries(app, VIEWS.health!, { points: 12, end: new Date(now) }));
      const first = await timed(() => live.read(new Date(now)));
      for (let n = 0; n < appended; n++) {
        now += 1_000;
        await store.append(`message-bench-${n}`, [{ id: uuidFor(n, 7), type: 'MessagePosted', data: { messageId: `bench-${n}`, from: 'ada', to: 'all', body: `note ${n}` }, metadata: { eventId: uuidFor(n, 7), instanceId: 'ada', role: 'explorer', at: new Date(now).toISOString(), seenUpTo: '0', schemaVersion: CURRENT_SCHEMA_VERSION } }], { expectedRevision: 'no_stream' });
      }
      const refresh = await timed(() => live.read(new Date(now + 1_000)));
      ctx.log(`series: ${count} events; a fold from the first event ${fmt(full)} ms, the live series' first refresh ${fmt(first)} ms, its refresh after ${appended} more ${fmt(refresh)} ms`);
      const command = 'npm run bench -- --only series';
      const figure = (id: string, name: string, ms: number): Figure => ({
        id,
        name,
        value: ms,
        unit: 'ms',
        baseline: { name: 'the same series folded from the first event', value: full, unit: 'ms' },
        ratio: full / ms,
        target: '(reported: times faster than the fold from the first event)',
        met: null,
        command,
        details: { events: count, appended },
      });
      return [
        figure('series.live.first', `the health chart's live series, first refresh, ${count.toLocaleString('en-US')} events of a month of work`, first),
        figure('series.live.refresh', `the same refreshed after ${appended.toLocaleString('en-US')} more events`, refresh),
      ];
    } finally {
      await live.close();
      await app.close();
    }
  },
};
