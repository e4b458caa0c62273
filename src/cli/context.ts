import { StoreUnavailableError } from '../errors.js';
import { resolveStoreUrl } from '../store/locate.js';
import { appOver, openApp, type App } from '../app/app.js';
import { parseInput, type Operation } from '../app/operation.js';
import { runRecorded } from '../app/exposure.js';
import { RemoteClient, identityFromEnv } from '../client/remote.js';
import { RemoteEventStore } from '../client/remote-store.js';
import { progressBar } from './progress.js';

/** Global options every command shares. */
export interface GlobalOptions {
  as?: string;
  store?: string;
  json?: boolean;
}

export const identityOf = (options: GlobalOptions): string | undefined =>
  options.as ?? (process.env.CAIRN_INSTANCE || undefined);

export function storeUrlOf(options: GlobalOptions): string {
  const url = resolveStoreUrl({ flag: options.store, env: process.env.CAIRN_STORE || undefined, cwd: process.cwd() });
  if (!url) {
    throw new StoreUnavailableError(
      `no cairn log found in ${process.cwd()} or any parent: run \`cairn init\`, or pass --store / set CAIRN_STORE`,
    );
  }
  return url;
}

/** CAIRN_URL names a cairn server to use instead of a local store; an explicit --store still wins. */
export function remoteOf(options: GlobalOptions): RemoteClient | undefined {
  const url = options.store ? undefined : process.env.CAIRN_URL || undefined;
  return url ? new RemoteClient(url, identityFromEnv(identityOf(options))) : undefined;
}

/** Opens the log for one command (read-only over HTTP when remote) and always closes it, whatever happens. */
export async function withApp<T>(options: GlobalOptions, body: (app: App) => Promise<T>): Promise<T> {
  const remote = remoteOf(options);
  const app = remote
    ? appOver(new RemoteEventStore(remote), { describe: remote.url })
    : await openApp(storeUrlOf(options), { progress: (label) => progressBar(options.json, label) });
  try {
    return await body(app);
  } finally {
    // The CLI exits after one command: what is left open goes with the process.
    await app.close({ atExit: true });
  }
}

/**
 * Runs an operation with its raw input: on the local log as the caller named by --as /
 * CAIRN_INSTANCE, or on the CAIRN_URL server as the instance its token names (the server
 * validates with the same schema, and its refusals come back as the same errors).
 */
export function runOperation<R>(options: GlobalOptions, op: Operation<any, R>, input: unknown): Promise<R> {
  const remote = remoteOf(options);
  if (remote) return remote.run(op, input) as Promise<R>;
  return withApp(options, (app) => runRecorded(app, op, parseInput(op, input), { instanceId: identityOf(options) }));
}
