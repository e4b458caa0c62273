import type { Command } from 'commander';
import { InstanceId, parseOrThrow } from '../../events/index.js';
import { ValidationError } from '../errors.js';
import { TokenStore } from '../server/tokens.js';
import { openStore } from '../store/open.js';
import { identityOf, storeUrlOf, type GlobalOptions } from './context.js';
import { printJson, printLine } from './output.js';

/**
 * `cairn token --as ID`: issues a new HTTP API token for an instance, replacing the old one.
 * It works on the store's own files, so only someone who can reach the store can do it: the
 * way back in for an agent that lost its token. A running server sees the new token at once.
 */
export function registerToken(program: Command): void {
  program
    .command('token')
    .description('Issue a new HTTP API token for --as (replacing its old one); needs direct access to the store, not CAIRN_URL')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const instanceId = identityOf(globals);
      if (!instanceId) throw new ValidationError([{ field: '--as', reason: 'is required: the instance to issue a token for' }]);
      const { store, cacheDir, describe } = await openStore(storeUrlOf(globals));
      await store.close();
      if (cacheDir === undefined) throw new ValidationError([{ field: '--store', reason: `${describe} keeps nothing between runs, so it cannot hold tokens` }]);
      const token = TokenStore.forCacheDir(cacheDir).issue(parseOrThrow(InstanceId, instanceId, '--as'));
      if (globals.json) printJson({ instanceId, token });
      else printLine(`token for ${instanceId} (replaces any earlier one): ${token}\nuse it as CAIRN_TOKEN=${token} with CAIRN_URL`);
    });
}

