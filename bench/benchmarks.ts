import { appendBenchmark } from './append.js';
import { claimRaceBenchmark } from './claim-race.js';
import { cliBenchmark } from './cli.js';
import { convergenceBenchmark } from './convergence.js';
import { exposureBenchmark } from './exposure.js';
import { foldBenchmark } from './fold.js';
import { jsonStoreBenchmark } from './json-store.js';
import { mcpBenchmark } from './mcp.js';
import { peerBenchmark } from './peer.js';
import { postgresBenchmark } from './postgres.js';
import { replayBenchmark } from './replay.js';
import { scaleBenchmark } from './scale.js';
import { seriesBenchmark } from './series.js';
import type { Benchmark } from './support/figure.js';
import { waitBenchmark } from './wait.js';

/** Every benchmark, in the order `npm run bench` runs them. */
export const BENCHMARKS: Benchmark[] = [
  appendBenchmark,
  peerBenchmark,
  replayBenchmark,
  foldBenchmark,
  seriesBenchmark,
  cliBenchmark,
  waitBenchmark,
  claimRaceBenchmark,
  convergenceBenchmark,
  exposureBenchmark,
  jsonStoreBenchmark,
  mcpBenchmark,
  postgresBenchmark,
  scaleBenchmark,
];
