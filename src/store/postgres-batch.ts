import type pg from 'pg';
import { IdempotencyConflictError, WrongExpectedRevisionError } from '../errors.js';
import type { AppendResult, ExpectedRevision, StreamAppend } from './port.js';
import { lockLogSql } from './postgres-schema.js';
import { describeExpected, encodeBatch, type Encoded } from './shared.js';

/** What append_events answers for one append (postgres-schema.ts). */
export interface AppendRow {
  outcome: 'ok' | 'duplicate' | 'elsewhere' | 'overlap' | 'wrong_revision';
  at_revision: bigint | null;
  at_position: bigint | null;
  detail: string | null;
}

/** An append's outcome as the store port says it: where it landed, or the refusal, thrown. */
export function resultOf(streamName: string, expected: ExpectedRevision, row: AppendRow): AppendResult {
  switch (row.outcome) {
    case 'ok':
    case 'duplicate':
      return { nextExpectedRevision: row.at_revision!, position: row.at_position! };
    case 'wrong_revision':
      throw new WrongExpectedRevisionError(streamName, describeExpected(expected), row.at_revision === null ? 'no stream' : String(row.at_revision));
    case 'overlap':
      throw new IdempotencyConflictError(streamName, JSON.parse(row.detail!) as string[]);
    case 'elsewhere': {
      const [id, stream] = JSON.parse(row.detail!) as [string, string];
      const error = new IdempotencyConflictError(streamName, [id]);
      error.message = `stream ${streamName}: event ${id} is already stored in stream ${stream}`;
      throw error;
    }
  }
}

/** A batch's events as the columns append_events and append_batch take: ids, types, data, metadata. */
export const eventColumns = (events: readonly Encoded[]): [string[], string[], string[], string[]] => [
  events.map((e) => e.id),
  events.map((e) => e.type),
  events.map((e) => e.data),
  events.map((e) => e.metadata),
];

/** Appends sent in one round trip: a copy of a big log makes a few thousand of them, not a million. */
const PLAN_SIZE = 500;

interface Planned {
  append: StreamAppend;
  encoded: Encoded[];
  /** Where it lands if nothing surprises: the result `next` was shown for it. */
  guess: AppendResult;
}

/**
 * appendMany inside one transaction holding the log's lock. `next` needs each append's result
 * before it gives the next append, so results are guessed: under the lock, positions run on
 * from the head one by one, and a stream's revision follows from the expected revision. A plan
 * of guessed appends goes in one round trip (append_batch). If every guess held, they stand;
 * if one did not (an id already stored, say), the plan is rolled back to its savepoint and the
 * same appends are made again one round trip each, asking `next` with the real results. A
 * refusal that every earlier guess led to is the real one, and is thrown.
 */
export async function appendPlanned(
  client: pg.PoolClient,
  schema: string,
  next: (done: readonly AppendResult[]) => StreamAppend | undefined,
  appendOne: (append: StreamAppend, encoded: Encoded[]) => Promise<AppendResult>,
): Promise<AppendResult[]> {
  await client.query(lockLogSql(schema));
  const { rows } = await client.query<{ head: string }>(`SELECT coalesce(max(position), 0)::text AS head FROM "${schema}".events`);
  let head = BigInt(rows[0]!.head);
  /** Each stream's revision as this transaction has left it. */
  const revisions = new Map<string, bigint>();
  const results: AppendResult[] = [];
  const landed = (append: StreamAppend, result: AppendResult) => {
    results.push(result);
    revisions.set(append.streamName, result.nextExpectedRevision);
    if (result.position > head) head = result.position;
  };
  for (;;) {
    const plan: Planned[] = [];
    const guesses = [...results];
    const planned = new Map(revisions);
    let tail = head;
    let append = next(guesses);
    while (append !== undefined && plan.length < PLAN_SIZE) {
      const encoded = encodeBatch(append.events);
      const revision = guessRevision(append, encoded.length, planned);
      if (revision === undefined) break;
      tail += BigInt(encoded.length);
      const guess = { nextExpectedRevision: revision, position: tail };
      plan.push({ append, encoded, guess });
      planned.set(append.streamName, revision);
      guesses.push(guess);
      append = next(guesses);
    }
    if (plan.length > 0) {
      if (await sendPlan(client, schema, plan)) for (const p of plan) landed(p.append, p.guess);
      else {
        for (let i = 0; i < plan.length; i++) {
          const again = next(results)!;
          landed(again, await appendOne(again, encodeBatch(again.events)));
        }
      }
      continue;
    }
    if (append === undefined) return results;
    // One whose revision cannot be guessed ('any' on a stream this transaction has not touched): its own round trip.
    landed(append, await appendOne(append, encodeBatch(append.events)));
  }
}

/** The stream's revision after this append, if it succeeds as an append of new events; undefined when unknowable. */
function guessRevision(append: StreamAppend, count: number, revisions: ReadonlyMap<string, bigint>): bigint | undefined {
  if (count === 0) return undefined;
  const expected = append.expectedRevision;
  if (typeof expected === 'bigint') return expected + BigInt(count);
  if (expected === 'no_stream') return BigInt(count - 1);
  const known = revisions.get(append.streamName);
  return known === undefined ? undefined : known + BigInt(count);
}

/** Sends a plan; true when every append landed where it was guessed to. */
async function sendPlan(client: pg.PoolClient, schema: string, plan: Planned[]): Promise<boolean> {
  await client.query('SAVEPOINT cairn_plan');
  const { rows } = await client.query<{ outcomes: AppendRow['outcome'][]; revisions: (string | null)[]; positions: (string | null)[]; details: (string | null)[] }>({
    name: `cairn-batch-${schema}`,
    text: `SELECT * FROM "${schema}".append_batch($1, $2, $3, $4, $5, $6, $7)`,
    values: [
      plan.map((p) => p.append.streamName),
      plan.map((p) => describeExpected(p.append.expectedRevision)),
      plan.map((p) => p.encoded.length),
      ...eventColumns(plan.flatMap((p) => p.encoded)),
    ],
  });
  const { outcomes, revisions, positions, details } = rows[0]!;
  for (let i = 0; i < outcomes.length; i++) {
    const { append, guess } = plan[i]!;
    const row: AppendRow = { outcome: outcomes[i]!, at_revision: bigintOrNull(revisions[i]), at_position: bigintOrNull(positions[i]), detail: details[i] ?? null };
    if (row.outcome === 'ok' && row.at_revision === guess.nextExpectedRevision && row.at_position === guess.position) continue;
    // Every append before this one was as guessed, so this refusal is the one a plain append would meet.
    if (row.outcome !== 'ok' && row.outcome !== 'duplicate') resultOf(append.streamName, append.expectedRevision, row);
    await client.query('ROLLBACK TO SAVEPOINT cairn_plan');
    return false;
  }
  await client.query('RELEASE SAVEPOINT cairn_plan');
  return true;
}

const bigintOrNull = (value: string | bigint | null | undefined): bigint | null => (value === null || value === undefined ? null : BigInt(value));
