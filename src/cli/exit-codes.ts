import { CommanderError } from 'commander';
import {
  CorruptEventError,
  DomainError,
  IdempotencyConflictError,
  WrongExpectedRevisionError,
  StoreUnavailableError,
  ValidationError,
  WaitTimeoutError,
  errorCodeOf,
} from '../errors.js';

/** The CLI's contract with the agents that call it. */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3, timeout: 124, internal: 70 } as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof ValidationError) return EXIT.usage;
  if (error instanceof DomainError) return EXIT.refused;
  if (error instanceof StoreUnavailableError) return EXIT.unavailable;
  if (error instanceof CorruptEventError) return EXIT.unavailable;
  if (error instanceof WaitTimeoutError) return EXIT.timeout;
  // Refusals that are not the domain's rules but mean the same to a caller: try otherwise.
  if (error instanceof WrongExpectedRevisionError || error instanceof IdempotencyConflictError) return EXIT.refused;
  if (error instanceof Error && error.name === 'MigrationMismatchError') return EXIT.refused;
  return EXIT.internal;
}

/** The error's code for `--json` output: a usage error is the CLI's own; the rest are every surface's. */
export const errorCodeFor = (error: unknown): string => (error instanceof CommanderError ? 'usage' : errorCodeOf(error));
