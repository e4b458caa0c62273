import { expect } from 'vitest';
import { foldEvents, type Decider } from '../../src/domain/decider.js';
import { DomainError } from '../../src/errors.js';

/**
 * Given/When/Then for a decider, with no store: `given(history).when(command).then(events)`
 * or `.thenRefuses(code, message?)`. A string message must match exactly; a RegExp, in part.
 */
export function givenFor<C, E, S>(decider: Decider<C, E, S>) {
  return (history: E[] = []) => ({
    when(command: C) {
      const decide = () => decider.decide(command, foldEvents(decider, history));
      return {
        then: (expected: E[]) => expect(decide()).toEqual(expected),
        thenNothing: () => expect(decide()).toEqual([]),
        thenRefuses(code: string, message?: string | RegExp) {
          const error = caught(decide);
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (typeof message === 'string') expect((error as DomainError).message).toBe(message);
          else if (message) expect((error as DomainError).message).toMatch(message);
        },
        thenThrows: (errorClass: new (...args: never[]) => Error) => expect(decide).toThrow(errorClass),
      };
    },
  });
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the command to be refused, but it was accepted');
}
