/**
 * The contract every fold keeps (projections/projection.ts): evolve reads nothing but its state
 * and the event, may update the state it owns in place, never touches the event, and a state
 * copied through JSON folds on exactly as the original does. A replay relies on all four: it
 * hands one parsed event to every projection, and a state may be saved and folded on later.
 */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { PROJECTIONS } from '../../projections/index.js';
import type { Projection } from '../../projections/projection.js';
import { decodeJson, encodeJson } from '../../src/runtime/json.js';
import { realisticLog } from './generate.js';

const events = realisticLog(7, 3000).events;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const foldFrom = <S>(projection: Projection<S>, state: S, list: readonly StoredEvent[]): S => list.reduce((s, e) => projection.evolve(s, e), state);

describe.each(Object.values(PROJECTIONS) as Projection<unknown>[])('the fold $name', (projection) => {
  it('never changes the events it reads (each is frozen, and folding them throws nothing)', () => {
    const frozen = events.map((e) => deepFreeze(structuredClone(e)));
    expect(() => foldFrom(projection, projection.initialState(), frozen)).not.toThrow();
  });

  it('gives the same state for the same events, folded twice from fresh states', () => {
    const a = encodeJson(foldFrom(projection, projection.initialState(), events));
    const b = encodeJson(foldFrom(projection, projection.initialState(), events));
    expect(b).toBe(a);
  });

  it('folds on from a checkpoint copy exactly as from the state it was copied from', () => {
    const half = Math.floor(events.length / 2);
    const original = foldFrom(projection, projection.initialState(), events.slice(0, half));
    const copy = decodeJson<unknown>(encodeJson(original));
    const fromOriginal = encodeJson(foldFrom(projection, original, events.slice(half)));
    const fromCopy = encodeJson(foldFrom(projection, copy, events.slice(half)));
    expect(fromCopy).toBe(fromOriginal);
  });
});
