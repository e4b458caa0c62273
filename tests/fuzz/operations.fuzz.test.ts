import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuesOf } from '../../events/index.js';
import { appOver, openApp, type App } from '../../src/app/app.js';
import { OPERATIONS } from '../../src/app/operations.js';
import type { Operation } from '../../src/app/operation.js';
import { DomainError, ValidationError, WaitTimeoutError } from '../../src/errors.js';
import { tempDir } from '../reliability/support.js';
import { hostileKey, hostileValue, polluted, withOwn } from './hostile.js';

/** The input fields an operation declares (its zod object's shape), for aiming hostile values. */
function fieldsOf(op: Operation): string[] {
  const def = (op.input as unknown as { _zod: { def: { type: string; shape?: Record<string, unknown>; in?: unknown } } })._zod.def;
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** A hostile input: hostile values for declared fields and hostile extra keys, at least one of either. */
const hostileInput = (op: Operation): fc.Arbitrary<unknown> => {
  const fields = fieldsOf(op);
  const entry = fc.tuple(fields.length > 0 ? fc.oneof(fc.constantFrom(...fields), hostileKey()) : hostileKey(), hostileValue());
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(entry, { minLength: 1, maxLength: 4 }).map((entries) => entries.reduce<Record<string, unknown>>((o, [k, v]) => withOwn(o, k, v), {})) },
    { weight: 1, arbitrary: fc.constantFrom(null, 'claim t-1', 42, [], [{ task: 't-1' }], true) },
  );
};

/** Runs an operation the way the HTTP and MCP servers do: validate with its schema, then run. */
async function attempt(app: App, op: Operation, input: unknown, instanceId: unknown): Promise<'rejected' | 'ran'> {
  const parsed = op.input.safeParse(input);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.field).not.toBe('');
    return 'rejected';
  }
  try {
    const run = op.run(app, parsed.data, { instanceId: instanceId as string });
    await Promise.race([run, new Promise((_, reject) => setTimeout(() => reject(new WaitTimeoutError(2000)), 2000))]);
    return 'ran';
  } catch (error) {
    if (error instanceof ValidationError) for (const issue of error.issues) expect(issue.field).not.toBe('');
    else if (!(error instanceof DomainError) && !(error instanceof WaitTimeoutError)) throw error;
    return 'rejected';
  }
}

describe('every operation against hostile input', () => {
  const dir = tempDir('fuzz-ops');
  let app: App;

  beforeAll(async () => {
    app = await openApp(join(dir, 'log.db'), { create: true });
    const as = (instanceId: string) => ({ instanceId });
    const run = (name: string, input: unknown, caller = as('ada')) => OPERATIONS.find((o) => o.name === name)!.run(app, OPERATIONS.find((o) => o.name === name)!.input.parse(input), caller);
    await run('join', { role: 'builder' });
    await run('join', { role: 'coordinator' }, as('cy'));
    await run('propose', { title: 'Map the retry paths', id: 't-1' });
    await run('ask', { text: 'Why do uploads stall?', id: 'q-1' });
    await run('find', { summary: 'Retries ignore Retry-After', id: 'f-1', question: 'q-1' });
    // ada has seen everything: a valid sync (`{ all: false }` is one) then has nothing to record.
    await run('sync', { all: true });
  });
  afterAll(() => app?.close());

  for (const op of OPERATIONS) {
    it(`${op.name}: hostile input is refused, naming a field, and nothing is appended`, async () => {
      const outcomes = { rejected: 0, ran: 0 };
      await fc.assert(
        fc.asyncProperty(hostileInput(op), fc.oneof(fc.constant('ada'), hostileValue()), async (input, instanceId) => {
          const head = await app.store.headPosition();
          outcomes[await attempt(app, op, input, instanceId)]++;
          // Refused, or (a boolean flag set to true is still a valid flag) answered: never appended.
          expect(await app.store.headPosition()).toBe(head);
          expect(polluted()).toBe(false);
        }),
        { numRuns: 25 },
      );
      expect(outcomes.rejected).toBeGreaterThan(outcomes.ran);
    });
  }

  it('valid input that the domain refuses appends nothing either', async () => {
    const cases: [string, unknown, string][] = [
      ['claim', { task: 'no-such-task' }, 'ada'],
      ['claim', { task: 't-1' }, 'never-joined'],
      ['say', { body: 'hello', to: 'no-such-instance' }, 'ada'],
      ['find', { summary: 'builds on nothing', cites: ['f-missing'] }, 'ada'],
      ['synthesize', { summary: 'integrates nothing real', integrates: ['f-missing'] }, 'ada'],
      ['release', { task: 't-1' }, 'ada'],
      ['close-question', { question: 'q-missing' }, 'ada'],
      ['renew', { task: 't-1' }, 'cy'],
    ];
    for (const [name, input, instanceId] of cases) {
      const op = OPERATIONS.find((o) => o.name === name);
      if (!op) continue;
      const head = await app.store.headPosition();
      expect(await attempt(app, op, input, instanceId), `${name} ${JSON.stringify(input)}`).toBe('rejected');
      expect(await app.store.headPosition()).toBe(head);
    }
  });

  it('an in-memory app refuses the same way (the store is not what protects the log)', async () => {
    const { InMemoryEventStore } = await import('../../src/store/memory.js');
    const memory = appOver(new InMemoryEventStore());
    const op = OPERATIONS.find((o) => o.name === 'propose')!;
    expect(await attempt(memory, op, JSON.parse('{"title": "x", "__proto__": {"polluted": true}}'), 'ada')).toBe('rejected');
    expect(await memory.store.headPosition()).toBe(0n);
  });
});
