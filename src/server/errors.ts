import { ZodError } from 'zod';
import { CorruptEventError, DomainError, StoreUnavailableError, ValidationError, WaitTimeoutError, type FieldIssue } from '../errors.js';
import { issuesOf } from '../../events/validation.js';

/** The JSON body of every failed request: the same `{ ok:false, error }` the CLI prints with --json. */
export interface ErrorBody {
  ok: false;
  error: { code: string; message: string; issues?: FieldIssue[]; timeoutMs?: number };
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 429 | 500 | 503;

/** A refusal decided by the HTTP layer itself (auth, routing, size), not by an operation. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
  }
}

/**
 * Maps an error to a status and body, mirroring the CLI's exit codes so a remote client can
 * turn it back into the same error class: 409 ↔ exit 1, 400 ↔ 2, 503 ↔ 3, 408 ↔ 124, 500 ↔ 70.
 * An unexpected error says only "internal error": stacks and paths stay in the server's log.
 */
export function toHttpError(error: unknown): { status: ErrorStatus; body: ErrorBody } {
  const body = (code: string, message: string, extra: Partial<ErrorBody['error']> = {}): ErrorBody => ({ ok: false, error: { code, message, ...extra } });
  if (error instanceof HttpError) return { status: error.status, body: body(error.code, error.message, error.issues ? { issues: error.issues } : {}) };
  if (error instanceof ZodError) {
    const issues = issuesOf(error);
    return { status: 400, body: body('invalid_input', new ValidationError(issues).message, { issues }) };
  }
  if (error instanceof ValidationError) return { status: 400, body: body('invalid_input', error.message, { issues: error.issues }) };
  if (error instanceof DomainError) return { status: 409, body: body(error.code, error.message) };
  if (error instanceof WaitTimeoutError) return { status: 408, body: body('timeout', error.message, { timeoutMs: error.timeoutMs }) };
  if (error instanceof StoreUnavailableError) return { status: 503, body: body('store_unavailable', error.message) };
  if (error instanceof CorruptEventError) return { status: 503, body: body('corrupt_log', error.message) };
  return { status: 500, body: body('internal', 'internal error') };
}
