import { DomainError, ValidationError } from '../errors.js';
import { InstanceId, parseOrThrow } from '../../events/index.js';
import { loadInstance } from '../domain/instance.js';
import type { App } from './app.js';
import type { Caller } from './operation.js';
import { INSTANCE_ID } from '../runtime/validate/events.generated.js';

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
  return instanceIdOf(caller.instanceId);
}

/** A caller's instance id, checked: by the generated validator when valid (no zod schema made), else by zod, naming `--as`. */
export function instanceIdOf(value: string): string {
  return (INSTANCE_ID?.(value) as string | undefined) ?? parseOrThrow(InstanceId(), value, '--as');
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
