import { Hono } from 'hono';
import { InstanceId, parseOrThrow } from '../../events/index.js';
import type { App } from '../app/app.js';
import { acceptInvitation, isInvitationCode } from '../app/invitations.js';
import { join } from '../app/join.js';
import { loadInstance } from '../domain/instance.js';
import { DomainError } from '../errors.js';
import { toPlainJson } from '../runtime/json.js';
import { bearerOf, callerOf } from './auth.js';
import { jsonBody } from './body.js';
import { HttpError } from './errors.js';
import { secretMatches, type AccessPolicy } from './policy.js';
import type { TokenStore } from './tokens.js';
import { parseInput } from '../app/operation.js';

/** Where a join presents the join secret or an invitation code (CAIRN_JOIN_SECRET in the CLI). */
export const JOIN_SECRET_HEADER = 'X-Cairn-Join-Secret';

const MANAGE_HINT = (id: string) => `a token for it is issued only by \`cairn token --as ${id}\` where the store is, or to a holder of its token`;

/**
 * `POST /api/join`: the one way in without a token. A first join must be admitted (the join
 * secret, or an invitation for its role), and may only create an instance the log does not
 * know yet: an instance that joined on the store itself cannot be claimed from outside. A
 * holder of an instance's token may join again, with a new role.
 */
export function joinRoute(app: App, tokens: TokenStore, policy: AccessPolicy): Hono {
  const routes = new Hono();

  routes.post('/join', async (c) => {
    const body = await jsonBody(c);
    const { instanceId: rawId, ...rest } = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const instanceId = parseOrThrow(InstanceId(), rawId, 'instanceId');
    const input = parseInput(join, rest);
    const presented = c.req.header(JOIN_SECRET_HEADER);
    const invitation = presented !== undefined && isInvitationCode(presented) ? presented : undefined;

    // A token nobody holds (say, one saved for a server since reset) does not block a first join.
    const bearer = bearerOf(c);
    const holder = bearer === undefined ? undefined : tokens.holderOf(bearer);
    const caller = holder !== undefined && 'instanceId' in holder ? callerOf(c, tokens, true) : {};
    if (caller.instanceId !== undefined) {
      // Joining again (a new role) is for the token's holder only.
      if (caller.instanceId !== instanceId) throw new HttpError(403, 'wrong_instance', `the token is for ${caller.instanceId}, not ${instanceId}: a token acts only as its own instance`);
      await admitRoleChange(app, policy, instanceId, input.role, invitation);
      return c.json(toPlainJson(await join.run(app, input, caller)) as object);
    }
    if (tokens.has(instanceId)) {
      throw new HttpError(401, 'token_required', `${instanceId} already has a token: send it as "Authorization: Bearer <token>" (CAIRN_TOKEN); ${MANAGE_HINT(instanceId)}`, [
        { field: 'Authorization', reason: `is required to join again as ${instanceId}` },
      ]);
    }
    admitted(policy, presented, invitation);
    if (invitation === undefined) admitRoleBySecret(policy, input.role);

    // Reserved before the first await, so two racing first joins cannot both get a token.
    const token = tokens.issue(instanceId, app.clock());
    try {
      const { state } = await loadInstance(app.store, instanceId, app.snapshots);
      if (state.joined) throw new HttpError(403, 'instance_exists', `${instanceId} is already in the log (it joined on the store, or its token was lost): ${MANAGE_HINT(instanceId)}`);
      if (invitation !== undefined) await spend(app, invitation, instanceId, input.role);
      const result = await join.run(app, input, { instanceId });
      return c.json({ ...(toPlainJson(result) as object), token });
    } catch (error) {
      tokens.revoke(instanceId);
      throw error;
    }
  });

  return routes;
}

/** A first join needs the join secret or an invitation, when the server has a secret at all. */
function admitted(policy: AccessPolicy, presented: string | undefined, invitation: string | undefined): void {
  if (policy.joinSecretSha256 === undefined || invitation !== undefined) return;
  if (presented === undefined) {
    throw new HttpError(401, 'admission_required', `this server admits only agents that present its join secret or an invitation: set CAIRN_JOIN_SECRET (sent as ${JOIN_SECRET_HEADER})`, [
      { field: JOIN_SECRET_HEADER, reason: 'is required to join this server' },
    ]);
  }
  if (!secretMatches(policy, presented)) {
    throw new HttpError(403, 'wrong_join_secret', 'the join secret is not this server\'s: ask whoever runs `cairn serve` for it, or for an invitation (`cairn invite`)', [
      { field: JOIN_SECRET_HEADER, reason: 'does not match the server\'s join secret' },
    ]);
  }
}

function admitRoleBySecret(policy: AccessPolicy, role: string): void {
  if (!policy.restrictedRoles.has(role)) return;
  throw new HttpError(403, 'role_restricted', `the role ${role} carries authority: joining as it over HTTP needs an invitation for it (\`cairn invite --role ${role}\` where the store is)`, [
    { field: 'role', reason: `${role} is restricted on this server` },
  ]);
}

/**
 * A token holder joining with a role over HTTP (`/api/join`, `/api/ops/join`, MCP's join
 * tool): a restricted role it does not hold yet needs an invitation for it, like a first join.
 */
export async function admitRoleChange(app: App, policy: AccessPolicy, instanceId: string, role: string, presented: string | undefined): Promise<void> {
  if (!policy.restrictedRoles.has(role)) return;
  const { state } = await loadInstance(app.store, instanceId, app.snapshots);
  if (state.role === role && state.joined && !state.left) return;
  if (presented === undefined || !isInvitationCode(presented)) admitRoleBySecret(policy, role);
  else await spend(app, presented, instanceId, role);
}

/** An invitation's refusal is a refused admission: 403, with its own code. */
async function spend(app: App, code: string, instanceId: string, role: string): Promise<void> {
  try {
    await acceptInvitation(app, code, { instanceId, role });
  } catch (error) {
    if (error instanceof DomainError) throw new HttpError(403, error.code, error.message, [{ field: JOIN_SECRET_HEADER, reason: error.message }]);
    throw error;
  }
}
