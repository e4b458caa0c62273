import type { Context } from 'hono';
import { HttpError } from './errors.js';

/** Request bodies are small JSON documents: an operation's input. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The JSON body, or `{}` when there is none. A non-empty body must say it is JSON: browsers
 * send JSON cross-origin only after a CORS preflight, which this server never grants, so a
 * page on another site cannot post to it.
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  const type = c.req.header('Content-Type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(400, 'invalid_input', 'the body must be JSON with Content-Type: application/json', [
      { field: '(body)', reason: 'must be sent as application/json' },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid_input', `the body is not valid JSON: ${(error as Error).message}`, [
      { field: '(body)', reason: 'must be valid JSON' },
    ]);
  }
}
