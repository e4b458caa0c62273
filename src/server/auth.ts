import type { Context, MiddlewareHandler } from 'hono';
import type { Caller } from '../app/operation.js';
import { HttpError } from './errors.js';
import type { TokenHolder, TokenStore } from './tokens.js';

/** Sent by clients that know which instance they mean to act as, so a mix-up is refused, not obeyed. */
export const INSTANCE_HEADER = 'X-Cairn-Instance';

export function bearerOf(c: Context): string | undefined {
  const header = c.req.header('Authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The holder of the request's token; undefined without one; refuses a malformed header or a token nobody holds. */
export function holderOf(c: Context, tokens: TokenStore): TokenHolder | undefined {
  const token = bearerOf(c);
  if (token === undefined) {
    if (c.req.header('Authorization') !== undefined) throw new HttpError(401, 'invalid_token', 'the Authorization header must be "Bearer <token>"');
    return undefined;
  }
  const holder = tokens.holderOf(token);
  if (holder === undefined) throw new HttpError(401, 'invalid_token', 'unknown token: join again, or issue a new one with `cairn token --as ID` where the store is');
  return holder;
}

/**
 * Who a request acts as. The identity comes only from the token: nothing in the body or the
 * URL can name another instance. Writes need an instance's token; reads take one if given (so
 * `wait --message` knows whose messages), and otherwise act as nobody, as a reader's token does.
 */
export function callerOf(c: Context, tokens: TokenStore, required: boolean): Caller {
  const holder = holderOf(c, tokens);
  if (holder === undefined) {
    if (!required) return {};
    throw new HttpError(401, 'token_required', 'this operation writes as an instance: send "Authorization: Bearer <token>" (POST /api/join issues one)', [
      { field: 'Authorization', reason: 'is required to write' },
    ]);
  }
  if ('reader' in holder) {
    if (!required) return {};
    throw new HttpError(403, 'read_only', `the token of reader ${holder.reader} reads only: writing needs an instance's token`);
  }
  const claimed = c.req.header(INSTANCE_HEADER);
  if (claimed !== undefined && claimed !== holder.instanceId) {
    throw new HttpError(403, 'wrong_instance', `the token is for ${holder.instanceId}, not ${claimed}: a token acts only as its own instance`);
  }
  return { instanceId: holder.instanceId };
}

/**
 * With read auth on, nothing of the log leaves without a token: every request but a join
 * (which presents the join secret instead) must carry one, an instance's or a reader's.
 */
export function requireToken(tokens: TokenStore): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'POST' && c.req.path === '/api/join') return next();
    if (holderOf(c, tokens) === undefined) {
      throw new HttpError(401, 'token_required', 'this server lets only token holders read: send "Authorization: Bearer <token>" (an instance\'s, or a reader\'s from `cairn token --reader NAME`)', [
        { field: 'Authorization', reason: 'is required to read from this server' },
      ]);
    }
    return next();
  };
}
