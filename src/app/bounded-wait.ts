import { duration } from './duration.js';

/** The longest a `wait` may block when it holds an HTTP request (the client allows a little more). */
export const HTTP_WAIT_CAP_MS = 5 * 60_000;
/** The longest a `wait` may block as an MCP tool call: agents' clients time out sooner than HTTP ones. */
export const MCP_WAIT_CAP_MS = 120_000;

/**
 * Entry points that hold a connection open for `wait` (HTTP, MCP) bound how long it may
 * block: a longer timeout is shortened to `maxMs`, so the wait ends with the usual timeout
 * error instead of a dropped connection. Input that does not parse is left for the
 * operation's own validation to report.
 */
export function boundWait(input: unknown, maxMs: number): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const raw = (input as Record<string, unknown>).timeout;
  if (raw === undefined) return input;
  const parsed = duration().safeParse(raw);
  return parsed.success && parsed.data > maxMs ? { ...input, timeout: maxMs } : input;
}
