import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where `cairn init` puts the log, relative to the directory it runs in. */
export const defaultStorePath = (cwd: string): string => join(resolve(cwd), '.cairn', 'log.db');

/**
 * Which log to use: the `--store` flag, else `CAIRN_STORE`, else the nearest `.cairn/log.db`
 * in cwd or a parent (like git finds `.git`), else none.
 */
export function resolveStoreUrl(input: { flag?: string | undefined; env?: string | undefined; cwd: string }): string | undefined {
  if (input.flag) return input.flag;
  if (input.env) return input.env;
  let dir = resolve(input.cwd);
  for (;;) {
    const candidate = join(dir, '.cairn', 'log.db');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
