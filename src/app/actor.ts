import { DomainError, ValidationError } from '../errors.js';
import { InstanceId, parseOrThrow } from '../../events/index.js';
import { loadInstance } from '../domain/instance.js';
import type { App } from './app.js';
import type { Caller } from './operation.js';

/** The instance a write is made as, with what its events' metadata must carry. */
export interface Actor {
  instanceId: string;
  role: string;
  /** Its last sync position: stamped on every event it writes as `seenUpTo`. */
  seenUpTo: bigint;
  inboxCursor: bigint;
}

export function requireIdentity(caller: Caller): string {
  if (!caller.instanceId) {
    throw new ValidationError([{ field: '--as', reason: 'is required to write: pass --as ID or set CAIRN_INSTANCE' }]);
  }
  return parseOrThrow(InstanceId(), caller.instanceId, '--as');
}

/** Loads the caller's instance; writing needs a joined, present instance. */
export async function actorOf(app: App, caller: Caller): Promise<Actor> {
  const instanceId = requireIdentity(caller);
  const { state } = await loadInstance(app.store, instanceId, app.snapshots);
  if (!state.joined || state.left) {
    throw new DomainError(
      `instance ${instanceId} has not joined${state.left ? ' (it left)' : ''}: run \`cairn join --role ROLE --as ${instanceId}\``,
      'not_joined',
    );
  }
  return { instanceId, role: state.role!, seenUpTo: state.lastSyncedUpTo, inboxCursor: state.inboxCursor };
}

/** The metadata source handleCommand stamps on each new event. */
export const metadataFor = (app: App, actor: Pick<Actor, 'instanceId' | 'role' | 'seenUpTo'>) => ({
  instanceId: actor.instanceId,
  role: actor.role,
  seenUpTo: actor.seenUpTo,
  at: app.clock(),
});
