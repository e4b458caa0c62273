import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SEMANTIC_THRESHOLD, DEFAULT_THRESHOLD, convergenceProjection } from '../../projections/convergence.js';
import { embeddingProviderFromEnv } from '../similarity/embedding.js';
import { LabelledFixture, evaluateOrders, type ThresholdRow, type Vectors } from './labelled.js';
import { syntheticFindings } from './synthetic.js';

/**
 * npm run eval:convergence [-- FIXTURE.json] [--orders 5] [--embeddings ollama:URL/MODEL] [--bench 100000]
 *
 * Prints precision, recall and F1 of convergence detection on the labelled fixtures at the
 * default threshold, and a threshold sweep. --embeddings embeds every fixture text first
 * (needs a running provider) and measures embedding cosine instead. --bench times the
 * projection on a synthetic log of N findings (cost per new finding, p50/p99).
 */

const DEFAULT_FIXTURE = 'tests/fixtures/convergence/paraphrases.json';

function fixturePath(given: string | undefined): string {
  if (given) return given;
  if (existsSync(DEFAULT_FIXTURE)) return DEFAULT_FIXTURE;
  // Run from elsewhere: dist/src/eval/convergence.js → repository root.
  return fileURLToPath(new URL(`../../../${DEFAULT_FIXTURE}`, import.meta.url));
}

const f2 = (x: number) => x.toFixed(2);
const n1 = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function table(rows: ThresholdRow[], marked: number): string {
  const lines = ['threshold  precision  recall  F1     TP     FP (of which related)'];
  for (const r of rows) {
    lines.push(
      `${r.threshold.toFixed(3).padEnd(9)}${r.threshold === marked ? '*' : ' '} ${f2(r.precision).padEnd(10)} ${f2(r.recall).padEnd(7)} ${f2(r.f1).padEnd(6)} ${n1(r.truePositives).padEnd(6)} ${n1(r.falsePositives)} (${n1(r.falsePositivesRelated)})`,
    );
  }
  return lines.join('\n');
}

async function embedAll(fixture: LabelledFixture, spec: string): Promise<Vectors> {
  const provider = embeddingProviderFromEnv({ CAIRN_EMBEDDINGS: spec });
  if (!provider) throw new Error('--embeddings needs a spec such as ollama:http://127.0.0.1:11434/nomic-embed-text');
  const vectors: Vectors = {};
  for (const f of fixture.findings) vectors[f.id] = { model: provider.model, vector: await provider.embed(f.text) };
  return vectors;
}

function bench(count: number): void {
  const events = syntheticFindings(count);
  let state = convergenceProjection.initialState();
  const ms: number[] = [];
  const started = Date.now();
  for (const event of events) {
    const t = process.hrtime.bigint();
    state = convergenceProjection.evolve(state, event);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const tail = ms.slice(-Math.min(10_000, Math.ceil(count / 2))).sort((a, b) => a - b);
  const q = (p: number) => tail[Math.floor(p * (tail.length - 1))]!.toFixed(3);
  console.log(`${count} synthetic findings folded in ${((Date.now() - started) / 1000).toFixed(1)} s, ${state.links.length} links kept`);
  console.log(`cost per new finding over the last ${tail.length}: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms (target p99 < 5 ms)`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { orders: { type: 'string', default: '5' }, embeddings: { type: 'string' }, bench: { type: 'string' } },
  });
  if (values.bench) return bench(Number(values.bench));

  const path = fixturePath(positionals[0]);
  const fixture = LabelledFixture.parse(JSON.parse(readFileSync(path, 'utf8')));
  const semantic = values.embeddings !== undefined;
  const vectors = semantic ? await embedAll(fixture, values.embeddings!) : {};
  const marked = semantic ? DEFAULT_SEMANTIC_THRESHOLD : DEFAULT_THRESHOLD;
  const sweep = semantic ? [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] : [0.15, 0.175, 0.2, 0.225, 0.25, 0.275, 0.3, 0.35, 0.4];
  const thresholds = [...new Set([...sweep, marked])].sort((a, b) => a - b);
  const seeds = Array.from({ length: Math.max(1, Number(values.orders)) }, (_, i) => i + 1);
  const { pairs, rows } = evaluateOrders(fixture, thresholds, seeds, vectors);
  const at = rows.find((r) => r.threshold === marked)!;

  console.log(`convergence eval: ${path}`);
  console.log(`${fixture.findings.length} findings, ${pairs.paraphrase + pairs.related + pairs.unrelated} pairs: ${pairs.paraphrase} paraphrase, ${pairs.related} related-but-different, ${pairs.unrelated} unrelated`);
  console.log(
    `measure: ${semantic ? `embedding cosine (${Object.values(vectors)[0]?.model})` : 'IDF-weighted cosine of Porter stems'}; pairwise links, mean over ${seeds.length} log orders\n`,
  );
  console.log(`default threshold ${marked}: precision ${f2(at.precision)}  recall ${f2(at.recall)}  F1 ${f2(at.f1)}  (TP ${n1(at.truePositives)}, FP ${n1(at.falsePositives)}, FN ${n1(at.falseNegatives)} per order)\n`);
  console.log(table(rows, marked));
  console.log(
    `\nprecision at the default rests on ${n1(at.truePositives + at.falsePositives)} predicted pair(s) per order; ${
      semantic ? '' : 'reworded findings share few stems, so lexical recall is low: set CAIRN_EMBEDDINGS for recall, and measure it with --embeddings'
    }`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
