import type { Context } from 'hono';
import type { Caller } from '../app/operation.js';
import { HttpError } from './errors.js';
import type { TokenStore } from './tokens.js';

/** Sent by clients that know which instance they mean to act as, so a mix-up is refused, not obeyed. */
export const INSTANCE_HEADER = 'X-Cairn-Instance';

export function bearerOf(c: Context): string | undefined {
  const header = c.req.header('Authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Who a request acts as. The identity comes only from the token: nothing in the body or the
 * URL can name another instance. Writes need a valid token; reads take one if given (so
 * `wait --message` knows whose messages), and otherwise act as nobody.
 */
export function callerOf(c: Context, tokens: TokenStore, required: boolean): Caller {
  const token = bearerOf(c);
  if (token === undefined) {
    if (c.req.header('Authorization') !== undefined) throw new HttpError(401, 'invalid_token', 'the Authorization header must be "Bearer <token>"');
    if (!required) return {};
    throw new HttpError(401, 'token_required', 'this operation writes as an instance: send "Authorization: Bearer <token>" (POST /api/join issues one)', [
      { field: 'Authorization', reason: 'is required to write' },
    ]);
  }
  const instanceId = tokens.instanceOf(token);
  if (instanceId === undefined) throw new HttpError(401, 'invalid_token', 'unknown token: join again, or issue a new one with `cairn token --as ID` where the store is');
  const claimed = c.req.header(INSTANCE_HEADER);
  if (claimed !== undefined && claimed !== instanceId) {
    throw new HttpError(403, 'wrong_instance', `the token is for ${instanceId}, not ${claimed}: a token acts only as its own instance`);
  }
  return { instanceId };
}
