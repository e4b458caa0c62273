import { openApp, type App } from '../app/app.js';
import { parseInput, type Operation, type OperationContext } from '../app/operation.js';
import { runRecorded } from '../app/exposure.js';
import { RemoteClient } from '../client/remote.js';
import type { StoredEvent } from '../../events/index.js';
import { toStored } from '../runtime/stored.js';

/** Runs operations with raw input, wherever the log is. */
export interface Runner {
  /** Who the tools act as, if anyone was named (a remote token may name them instead). */
  readonly identity: string | undefined;
  readonly remote: boolean;
  /** How to give an identity, for the error a write without one gets (default: CAIRN_INSTANCE or --as). */
  readonly identityHint?: { field: string; how: string };
  run(op: Operation, input: unknown, context?: OperationContext): Promise<unknown>;
  /** Calls `onEvent` for each event appended from now on, by anyone, until the returned stop is called. Only where the log is at hand. */
  watch?(onEvent: (event: StoredEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * The local log, opened on the first call and kept open while the MCP server runs: an agent
 * makes many calls, and the projections then catch up from memory. A log that cannot be
 * opened is an error for that call only; the next call tries again.
 */
export function localRunner(storeUrl: () => string, identity: string | undefined): Runner {
  let opening: Promise<App> | undefined;
  const open = () =>
    (opening ??= openApp(storeUrl()).catch((error: unknown) => {
      opening = undefined;
      throw error;
    }));
  return {
    identity,
    remote: false,
    async run(op, input, context) {
      return runRecorded(await open(), op, parseInput(op, input), { instanceId: identity }, context);
    },
    watch: (onEvent) => watchLog(open, onEvent),
    async close() {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}

/** Events appended to an app's log from now on (a notification says what changed, never shows it: nothing is recorded as shown). */
export function watchLog(open: () => Promise<App>, onEvent: (event: StoredEvent) => void): () => void {
  const stop = new AbortController();
  void (async () => {
    const app = await open();
    const after = await app.store.headPosition();
    for await (const recorded of app.store.subscribe({ after, signal: stop.signal })) onEvent(toStored(recorded));
  })().catch(() => undefined);
  return () => stop.abort();
}

/** A cairn server (CAIRN_URL), as the instance its token names. */
export function remoteRunner(client: RemoteClient, identity: string | undefined): Runner {
  return { identity, remote: true, run: (op, input) => client.run(op, input), close: async () => undefined };
}
