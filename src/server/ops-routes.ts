import { Hono } from 'hono';
import * as z from 'zod';
import type { App } from '../app/app.js';
import { HTTP_WAIT_CAP_MS, boundWait } from '../app/bounded-wait.js';
import { runRecorded } from '../app/exposure.js';
import { OPERATIONS, operationNamed } from '../app/operations.js';
import { toPlainJson } from '../runtime/json.js';
import { callerOf } from './auth.js';
import { jsonBody } from './body.js';
import { HttpError } from './errors.js';
import { admitRoleChange, JOIN_SECRET_HEADER } from './join-route.js';
import type { AccessPolicy } from './policy.js';
import type { TokenStore } from './tokens.js';
import { parseInput } from '../app/operation.js';

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
 * answer is exactly what `cairn NAME --json` prints.
 */
export function opsRoutes(app: App, tokens: TokenStore, policy: AccessPolicy): Hono {
  const routes = new Hono();
  let index: ReturnType<typeof operationIndex> | undefined;

  routes.get('/ops', (c) => c.json((index ??= operationIndex())));

  routes.post('/ops/:name', async (c) => {
    const op = operationNamed(c.req.param('name'));
    if (!op) throw new HttpError(404, 'unknown_operation', `no operation "${c.req.param('name')}": GET /api/ops lists them`);
    const caller = callerOf(c, tokens, op.writes);
    const body = await jsonBody(c);
    const input = parseInput(op, op.name === 'wait' ? boundWait(body, HTTP_WAIT_CAP_MS) : body);
    if (op.name === 'join') await admitRoleChange(app, policy, caller.instanceId!, (input as { role: string }).role, c.req.header(JOIN_SECRET_HEADER));
    return c.json(toPlainJson(await runRecorded(app, op, input, caller, { signal: c.req.raw.signal })) as object);
  });

  return routes;
}
