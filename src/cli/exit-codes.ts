import { CommanderError } from 'commander';
import {
  CorruptEventError,
  DomainError,
  IdempotencyConflictError,
  WrongExpectedRevisionError,
  StoreUnavailableError,
  ValidationError,
  WaitTimeoutError,
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

/** A stable, machine-readable name for the error, for `--json` output. */
export function errorCodeFor(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  if (error instanceof ValidationError) return 'invalid_input';
  if (error instanceof StoreUnavailableError) return 'store_unavailable';
  if (error instanceof CorruptEventError) return 'corrupt_log';
  if (error instanceof WaitTimeoutError) return 'timeout';
  if (error instanceof CommanderError) return 'usage';
  if (error instanceof WrongExpectedRevisionError) return 'contention';
  if (error instanceof IdempotencyConflictError) return 'idempotency_conflict';
  if (error instanceof Error && error.name === 'MigrationMismatchError') return 'migration_mismatch';
  return 'internal';
}
