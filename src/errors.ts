/**
 * The errors every entry point (CLI, HTTP, MCP) maps to an outcome. Exit codes are the CLI's
 * contract: 0 done, 1 refused by the domain, 2 bad usage or invalid input, 3 store
 * unavailable, 124 wait timed out.
 */
import { ValidationError } from '../events/validation.js';

export { ValidationError, type FieldIssue } from '../events/validation.js';

/** The domain said no: already claimed, unknown task, not the owner. Exit code 1. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    message: string,
    readonly code: string = 'refused',
  ) {
    super(message);
  }
}

/** The store could not be reached or opened. Exit code 3. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An append's expected revision did not match the stream: someone else wrote first. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamName: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`stream ${streamName}: expected revision ${expected}, actual ${actual}`);
  }
}

/** Some but not all events of a batch were already stored: a retry that changed its content. */
export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
  constructor(readonly streamName: string, readonly eventIds: string[]) {
    super(`stream ${streamName}: events ${eventIds.join(', ')} were already stored but the batch differs`);
  }
}

/** A stored event could not be decoded; names where it sits so it can be repaired. */
export class CorruptEventError extends Error {
  override readonly name = 'CorruptEventError';
  constructor(readonly position: bigint, reason: string) {
    super(`corrupt event at position ${position}: ${reason}`);
  }
}

/** `wait` gave up. Exit code 124, like timeout(1). */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** Whoever asked went away (a closed request, a cancelled tool call): the work for them stopped. */
export class AbandonedError extends Error {
  override readonly name = 'AbandonedError';
  constructor() {
    super('the request was abandoned');
  }
}

/**
 * A stable, machine-readable name for an error, the same on every surface: the CLI's `--json`,
 * HTTP bodies and MCP tool errors.
 */
export function errorCodeOf(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  if (error instanceof ValidationError) return 'invalid_input';
  if (error instanceof StoreUnavailableError) return 'store_unavailable';
  if (error instanceof CorruptEventError) return 'corrupt_log';
  if (error instanceof WaitTimeoutError) return 'timeout';
  if (error instanceof AbandonedError) return 'abandoned';
  if (error instanceof WrongExpectedRevisionError) return 'contention';
  if (error instanceof IdempotencyConflictError) return 'idempotency_conflict';
  if (error instanceof Error && error.name === 'MigrationMismatchError') return 'migration_mismatch';
  return 'internal';
}
