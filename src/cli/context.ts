import { StoreUnavailableError } from '../errors.js';
import { resolveStoreUrl } from '../store/locate.js';
import { openApp, type App } from '../app/app.js';
import type { Operation } from '../app/operation.js';

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

/** Opens the log for one command and always closes it, whatever happens. */
export async function withApp<T>(options: GlobalOptions, body: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(storeUrlOf(options));
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

/** Runs an operation on the local log as the caller named by --as / CAIRN_INSTANCE. */
export function runOperation<I, R>(options: GlobalOptions, op: Operation<any, R>, input: I): Promise<R> {
  return withApp(options, (app) => op.run(app, input, { instanceId: identityOf(options) }));
}
