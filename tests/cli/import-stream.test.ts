import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { monthOfWork } from '../../bench/support/month.js';
import { CLI, tempDir, workspace, type Workspace } from './run.js';

/**
 * Import reads its file twice (validate, then append) and never holds it: a file whose
 * events would not fit in the heap imports in a process whose heap is capped well below
 * them, and one bad line anywhere appends nothing.
 */
const EVENTS = 60_000;
const HEAP_MB = 48;

async function writeMonth(file: string, badLine?: number): Promise<void> {
  const out = createWriteStream(file);
  let line = 0;
  for (const event of monthOfWork({ events: EVENTS, seed: 9 })) {
    line++;
    const text = line === badLine ? JSON.stringify({ ...event, data: { ...event.data, by: 'not an id!' } }) : JSON.stringify(event);
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const eventsIn = (store: string) => {
  const db = new Database(store, { readonly: true });
  try {
    return Number(db.prepare('SELECT count(*) FROM events').pluck().get());
  } finally {
    db.close();
  }
};

describe('import in bounded memory', () => {
  let ws: Workspace;
  const dir = tempDir('cairn-import-');
  const good = join(dir, 'good.ndjson');
  // Past its first 22,000 lines, import checks every other batch of 2,000 in a second thread:
  // line 30,000 is checked in the first, line 31,000 in the second.
  const badLines = [EVENTS / 2, EVENTS / 2 + 1_000];
  const bad = (line: number) => join(dir, `bad-${line}.ndjson`);
  const importCapped = (file: string) =>
    spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, 'import', file, '--store', ws.store], { encoding: 'utf8' });

  beforeAll(async () => {
    ws = await workspace();
    await Promise.all([writeMonth(good), ...badLines.map((line) => writeMonth(bad(line), line))]);
  }, 60_000);

  it.each(badLines)('a file with one bad line in the middle (line %i) appends nothing and names the line (exit 2)', (line) => {
    const result = importCapped(bad(line));
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain(`line ${line}: data.by`);
    expect(eventsIn(ws.store)).toBe(0);
  }, 120_000);

  it(`${EVENTS} events import with the heap capped at ${HEAP_MB} MB, and the first read after answers from the tables`, () => {
    const result = importCapped(good);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`imported ${EVENTS} events\n`);
    expect(eventsIn(ws.store)).toBe(EVENTS);
    const status = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, 'status', '--json', '--store', ws.store], { encoding: 'utf8' });
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).counts.findings).toBeGreaterThan(10_000);
  }, 180_000);
});
