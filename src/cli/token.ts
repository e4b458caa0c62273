import type { Command } from 'commander';
import { Id, InstanceId, parseOrThrow } from '../../events/index.js';
import { ValidationError } from '../errors.js';
import { TokenStore } from '../server/tokens.js';
import { openStore } from '../store/open.js';
import { identityOf, storeUrlOf, type GlobalOptions } from './context.js';
import { printJson, printLine } from './output.js';

/**
 * `cairn token --as ID`: issues a new HTTP API token for an instance, replacing the old one;
 * `cairn token --reader NAME`: a token that only reads (for a dashboard, or a person watching).
 * It works on the store's own files, so only someone who can reach the store can do it: the
 * way back in for an agent that lost its token. A running server sees the new token at once.
 */
export function registerToken(program: Command): void {
  program
    .command('token')
    .description('Issue a new HTTP API token for --as (replacing its old one), or a read-only one with --reader; needs direct access to the store, not CAIRN_URL')
    .option('--reader <name>', 'issue a token that only reads, under this name (the dashboard, a person)')
    .action(async (options: { reader?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const instanceId = options.reader === undefined ? identityOf(globals) : undefined;
      if (options.reader === undefined && !instanceId) throw new ValidationError([{ field: '--as', reason: 'is required: the instance to issue a token for (or --reader NAME for a read-only token)' }]);
      const reader = options.reader === undefined ? undefined : parseOrThrow(Id(), options.reader, '--reader');
      const id = instanceId === undefined ? undefined : parseOrThrow(InstanceId(), instanceId, '--as');
      const { store, cacheDir, describe } = await openStore(storeUrlOf(globals));
      await store.close();
      if (cacheDir === undefined) throw new ValidationError([{ field: '--store', reason: `${describe} keeps nothing between runs, so it cannot hold tokens` }]);
      const tokens = TokenStore.forCacheDir(cacheDir);
      const token = reader !== undefined ? tokens.issueReader(reader) : tokens.issue(id!);
      const holder = reader !== undefined ? `reader ${reader} (reads only)` : id!;
      if (globals.json) printJson(reader !== undefined ? { reader, token } : { instanceId: id, token });
      else printLine(`token for ${holder} (replaces any earlier one): ${token}\nuse it as CAIRN_TOKEN=${token} with CAIRN_URL${reader !== undefined ? ', or paste it into the dashboard' : ''}`);
    });
}
