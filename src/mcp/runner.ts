import { parseOrThrow } from '../../events/validation.js';
import { openApp, type App } from '../app/app.js';
import type { Operation } from '../app/operation.js';
import { runRecorded } from '../app/exposure.js';
import { RemoteClient } from '../client/remote.js';

/** Runs operations with raw input, wherever the log is. */
export interface Runner {
  /** Who the tools act as, if anyone was named (a remote token may name them instead). */
  readonly identity: string | undefined;
  readonly remote: boolean;
  run(op: Operation, input: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The local log, opened on the first call and kept open while the MCP server runs: an agent
 * makes many calls, and the projections then catch up from memory. A log that cannot be
 * opened is an error for that call only; the next call tries again.
 */
export function localRunner(storeUrl: () => string, identity: string | undefined): Runner {
  let opening: Promise<App> | undefined;
  return {
    identity,
    remote: false,
    async run(op, input) {
      opening ??= openApp(storeUrl()).catch((error: unknown) => {
        opening = undefined;
        throw error;
      });
      const app = await opening;
      return runRecorded(app, op, parseOrThrow(op.input, input), { instanceId: identity });
    },
    async close() {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}

/** A cairn server (CAIRN_URL), as the instance its token names. */
export function remoteRunner(client: RemoteClient, identity: string | undefined): Runner {
  return { identity, remote: true, run: (op, input) => client.run(op, input), close: async () => undefined };
}
