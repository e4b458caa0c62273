import { Hono } from 'hono';
import { z } from 'zod';
import { InstanceId, parseOrThrow } from '../../events/index.js';
import type { App } from '../app/app.js';
import { HTTP_WAIT_CAP_MS, boundWait } from '../app/bounded-wait.js';
import { join } from '../app/join.js';
import { runRecorded } from '../app/exposure.js';
import { OPERATIONS, operationNamed } from '../app/operations.js';
import { toPlainJson } from '../runtime/json.js';
import { bearerOf, callerOf } from './auth.js';
import { jsonBody } from './body.js';
import { HttpError } from './errors.js';
import type { TokenStore } from './tokens.js';

/** The index of operations: what each takes, as JSON Schema generated from the same zod schema that validates it. */
function operationIndex() {
  return {
    operations: OPERATIONS.map((op) => ({
      name: op.name,
      summary: op.summary,
      writes: op.writes,
      path: `/api/ops/${op.name}`,
      input: z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }),
    })),
  };
}

/**
 * Every operation the CLI has, as `POST /api/ops/:name` with its input as the JSON body; the
 * answer is exactly what `cairn NAME --json` prints. `POST /api/join` is the one way in
 * without a token: the first join of an instance id issues that instance's token.
 */
export function opsRoutes(app: App, tokens: TokenStore): Hono {
  const routes = new Hono();
  let index: ReturnType<typeof operationIndex> | undefined;

  routes.get('/ops', (c) => c.json((index ??= operationIndex())));

  routes.post('/ops/:name', async (c) => {
    const op = operationNamed(c.req.param('name'));
    if (!op) throw new HttpError(404, 'unknown_operation', `no operation "${c.req.param('name')}": GET /api/ops lists them`);
    const caller = callerOf(c, tokens, op.writes);
    const body = await jsonBody(c);
    const input = parseOrThrow(op.input, op.name === 'wait' ? boundWait(body, HTTP_WAIT_CAP_MS) : body);
    return c.json(toPlainJson(await runRecorded(app, op, input, caller)) as object);
  });

  routes.post('/join', async (c) => {
    const body = await jsonBody(c);
    const { instanceId: rawId, ...rest } = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const instanceId = parseOrThrow(InstanceId, rawId, 'instanceId');
    const input = parseOrThrow(join.input, rest);
    if (tokens.has(instanceId) && bearerOf(c) === undefined) {
      throw new HttpError(401, 'token_required', `${instanceId} already has a token: send it as "Authorization: Bearer <token>" (CAIRN_TOKEN), or issue a new one with \`cairn token --as ${instanceId}\` where the store is`, [
        { field: 'Authorization', reason: `is required to join again as ${instanceId}` },
      ]);
    }
    // A token for nobody (say, one saved for a server since reset) does not block a first join.
    const bearer = bearerOf(c);
    if (tokens.has(instanceId) || (bearer !== undefined && tokens.instanceOf(bearer) !== undefined)) {
      // Joining again (a new role) is for the token's holder only.
      const caller = callerOf(c, tokens, true);
      if (caller.instanceId !== instanceId) {
        throw new HttpError(403, 'wrong_instance', `the token is for ${caller.instanceId}, not ${instanceId}: a token acts only as its own instance`);
      }
      return c.json(toPlainJson(await join.run(app, input, caller)) as object);
    }
    // Reserved before the first await, so two racing first joins cannot both get a token.
    const token = tokens.issue(instanceId, app.clock());
    try {
      const result = await join.run(app, input, { instanceId });
      return c.json({ ...(toPlainJson(result) as object), token });
    } catch (error) {
      tokens.revoke(instanceId);
      throw error;
    }
  });

  return routes;
}
