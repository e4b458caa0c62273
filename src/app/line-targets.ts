import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ValidationError, type FieldIssue } from '../../events/validation.js';
import { parseExportLine } from './export-line.js';

/** Where one line's event goes: all that import's conflict check needs of it. */
export interface LineTarget {
  line: number;
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
}

/** Non-blank lines of an export, each with its number. */
export interface LineBatch {
  lines: string[];
  numbers: number[];
}

/** A batch's targets (sent back as they are: a worker's messages carry bigints), or the first bad line's refusal. */
export type BatchReply = { targets: LineTarget[] } | { issues: FieldIssue[] } | { failure: string };

/** Parses and checks a batch of lines (either thread runs this). */
export function targetsIn(batch: LineBatch): BatchReply {
  const targets: LineTarget[] = [];
  try {
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.numbers[i]!;
      const event = parseExportLine(batch.lines[i]!, line);
      targets.push({ line, streamName: event.streamName, revision: event.revision, id: event.metadata.eventId, type: event.type });
    }
  } catch (error) {
    if (error instanceof ValidationError) return { issues: error.issues };
    return { failure: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  return { targets };
}

const BATCH_LINES = 2_000;
/** Lines checked in this thread alone before a second is started: a small import never pays for one (~30 ms). */
const ALONE_FOR = 20_000;
/** Whose turn each batch is, in turn. Two of three to the worker measured no faster: this thread then waited on it. */
const SHARE = ['here', 'worker'] as const;

/**
 * The targets of an export's lines, in order, a batch at a time. Parsing and checking each
 * line is most of an import's first pass (about 9 s of a million lines), while the thread
 * that will fold the tables has nothing to do yet: past the first lines, every other batch is
 * checked by a worker thread. At most two batches are held at once; a bad line is refused
 * as in one thread. A million lines: 8.3 to 8.9 s instead of 9.9 to 10.8 (docs/scale.md).
 */
export async function* lineTargets(lines: AsyncIterable<string>, { parallel = true } = {}): AsyncGenerator<LineTarget[]> {
  // Run from the TypeScript sources (tests), there is no compiled worker to start.
  const shared = parallel && existsSync(fileURLToPath(WORKER));
  let worker: Checker | undefined;
  let checked = 0;
  /** Batches read and not yet yielded, in order: checked here when their turn comes, or sent ahead. */
  const ahead: { batch: LineBatch; reply?: Promise<BatchReply> }[] = [];
  try {
    for await (const batch of batchesOf(lines)) {
      const turn = SHARE[(checked / BATCH_LINES + ahead.length) % SHARE.length];
      if (!shared || checked < ALONE_FOR || turn === 'here') ahead.push({ batch });
      else ahead.push({ batch, reply: (worker ??= new Checker()).check(batch) });
      if (ahead.length < SHARE.length) continue;
      yield await targetsOf(ahead.shift()!);
      checked += BATCH_LINES;
    }
    while (ahead.length > 0) yield await targetsOf(ahead.shift()!);
  } finally {
    await worker?.stop();
  }
}

/** The non-blank lines in batches, each line with its number in the file (both passes of an import read them so). */
export async function* batchesOf(lines: AsyncIterable<string>): AsyncGenerator<LineBatch> {
  let number = 0;
  let batch: LineBatch = { lines: [], numbers: [] };
  for await (const raw of lines) {
    number++;
    if (raw.trim() === '') continue;
    batch.lines.push(raw);
    batch.numbers.push(number);
    if (batch.lines.length === BATCH_LINES) {
      yield batch;
      batch = { lines: [], numbers: [] };
    }
  }
  if (batch.lines.length > 0) yield batch;
}

async function targetsOf({ batch, reply }: { batch: LineBatch; reply?: Promise<BatchReply> }): Promise<LineTarget[]> {
  const answer = reply ? await reply : targetsIn(batch);
  if ('issues' in answer) throw new ValidationError(answer.issues);
  if ('failure' in answer) throw new Error(answer.failure);
  return answer.targets;
}

const WORKER = new URL('./line-targets-worker.js', import.meta.url);

/** The worker thread: it answers the batches it is sent in the order they were sent. */
class Checker {
  private readonly worker = new Worker(WORKER);
  private readonly waiting: { resolve: (reply: BatchReply) => void; reject: (error: Error) => void }[] = [];

  constructor() {
    this.worker.on('message', (reply: BatchReply) => this.waiting.shift()?.resolve(reply));
    this.worker.on('error', (error) => {
      for (const w of this.waiting.splice(0)) w.reject(error);
    });
  }

  check(batch: LineBatch): Promise<BatchReply> {
    const reply = new Promise<BatchReply>((resolve, reject) => this.waiting.push({ resolve, reject }));
    reply.catch(() => undefined); // a refusal earlier in the file leaves it unawaited
    this.worker.postMessage(batch);
    return reply;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
