import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { convergenceProjection } from '../projections/convergence.js';
import { matcherCalibration } from '../projections/convergence-calibration.js';
import { boundedReport, convergenceClusters } from '../projections/convergence-report.js';
import { calibration, convergenceReport } from '../src/readstore/convergence-queries.js';
import { encodeJson } from '../src/runtime/json.js';
import { toStored } from '../src/runtime/stored.js';
import { openSqliteStore } from '../src/store/sqlite.js';

/**
 * node --max-old-space-size=12288 dist/bench/convergence-check.js --log LOG.db --tables READ.db [--at N]
 *
 * Whether the tables' convergence report (what `cairn convergence` shows) and the matcher's
 * calibration against the judges (what `health` shows) equal what the folds in projections/
 * give over the same events, on a log of any size: the property tests
 * hold the two equal on small logs; this holds them equal on a month. `--tables` is the live
 * tables (`LOG.db.cache/read.db`) or a copy kept for replays (`milestones/N.db`, with
 * `--at N`). Exits 1 when they differ, printing both totals.
 */
const { values } = parseArgs({ options: { log: { type: 'string' }, tables: { type: 'string' }, at: { type: 'string' } } });
if (!values.log || !values.tables) throw new Error('--log and --tables are required');
const at = values.at === undefined ? undefined : BigInt(values.at);

const store = openSqliteStore(values.log);
let state = convergenceProjection.initialState();
let events = 0;
for await (const recorded of store.readAll()) {
  if (at !== undefined && recorded.position > at) break;
  state = convergenceProjection.evolve(state, toStored(recorded));
  events++;
}
await store.close();

const tables = new Database(values.tables, { readonly: true, fileMustExist: true });
const fromTables = { report: convergenceReport(tables, 10), matcher: calibration(tables) };
tables.close();
const fromFold = { report: boundedReport(convergenceClusters(state), 10), matcher: matcherCalibration(state) };
const same = encodeJson(fromTables) === encodeJson(fromFold);
console.log(`${events} events folded: the reports and calibrations are ${same ? 'equal' : 'DIFFERENT'}`);
for (const [name, { report, matcher }] of [['tables', fromTables], ['fold  ', fromFold]] as const) {
  console.log(`${name}: ${encodeJson({ totals: report.totals, judged: report.judged, matcher })}`);
}
process.exitCode = same ? 0 : 1;
