import { describe, expect, it } from 'vitest';
import { inputValidatorsModule } from '../../src/app/input-codegen.js';
import { INPUTS } from '../../src/app/inputs.generated.js';
import { OPERATIONS } from '../../src/app/operations.js';

/** A small deterministic generator (mulberry32): the same inputs on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values that probe each kind of check: lengths, patterns, bounds, control characters, types. */
const VALUES: unknown[] = [
  't-1', 'f-2', 'uploads', 'bad id!', '', ' ', 'all', 'role:builder', 'anonymous', 'a\u0007b', 'x'.repeat(65), 'x'.repeat(4001),
  'open', 'closed', 'claimed', 'lost', '12', '007', '-3', '2026-01-01T00:00:00Z', 'Retries ignore Retry-After', 'ünïcode-tag',
  '15m', '90s', '500ms', '2h', '7d', '8d', '0m', '1000000000s', '15 m', 604_800_000, 604_800_001,
  '12345678901234567890', '123456789012345678901', '2026-13-45', '2026-11-24 18:00', 'x'.repeat(41),
  'role:', 'role:Builders', 'role:reviewers', `role:${'r'.repeat(32)}`, `role:${'r'.repeat(33)}`, 'role:a:b',
  0, 1, 5, 10, 50, 51, 200, 201, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN, true, false, null,
  [], ['t-1'], ['uploads', 'retry'], ['bad id!'], [1], {}, { task: 't-1' },
];

function zodAnswer(schema: { safeParse(input: unknown): { success: boolean; data?: unknown } }, input: unknown): unknown {
  const result = schema.safeParse(input);
  return result.success ? result.data : undefined;
}

describe('the generated input validators', () => {
  it('are what the operations\' schemas give now (a schema changed without `-u` fails here)', async () => {
    await expect(inputValidatorsModule()).toMatchFileSnapshot('../../src/app/inputs.generated.ts');
  });

  it('cover the everyday commands, whose CLI calls then build no zod schema', () => {
    for (const name of ['status', 'tasks', 'claim', 'find', 'inbox', 'log', 'hook', 'findings', 'questions', 'say', 'propose']) expect(Object.keys(INPUTS), name).toContain(name);
  });

  it('answer exactly as zod does, or not at all, on 300 random inputs per operation', () => {
    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    let answered = 0;
    let refusedByZod = 0;
    for (const op of OPERATIONS) {
      const validate = INPUTS[op.name];
      if (!validate) continue;
      const keys = [...Object.keys((op.input as unknown as { shape: Record<string, unknown> }).shape), 'unknownKey'];
      for (let i = 0; i < 300; i++) {
        const input: Record<string, unknown> = {};
        for (const key of keys) if (next() < 0.45) input[key] = pick(VALUES);
        const zod = zodAnswer(op.input, input);
        const fast = validate(input);
        if (zod === undefined) {
          refusedByZod++;
          expect(fast, `${op.name} ${JSON.stringify(input)}`).toBeUndefined();
        } else if (fast !== undefined) {
          answered++;
          expect(fast, `${op.name} ${JSON.stringify(input)}`).toEqual(zod);
          expect(Object.keys(fast as object), `${op.name}: keys in zod's order`).toEqual(Object.keys(zod as object));
        }
      }
    }
    // Both sides were exercised: the check above cannot pass by answering nothing, or by zod refusing everything.
    expect(answered).toBeGreaterThan(300);
    expect(refusedByZod).toBeGreaterThan(1000);
  });
});
