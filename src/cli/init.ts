import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { StoreUnavailableError } from '../errors.js';
import { openStore } from '../store/open.js';
import { defaultStorePath } from '../store/locate.js';
import type { GlobalOptions } from './context.js';
import { printJson, printLine } from './output.js';

/** `cairn init`: creates the embedded log (.cairn/log.db here, or --store PATH or postgres://…). */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Create a cairn log here (.cairn/log.db), or at --store')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const target = globals.store ?? process.env.CAIRN_STORE ?? defaultStorePath(process.cwd());
      const isPath = !/^[a-z+]+:/.test(target) || target.startsWith('file:') || target.startsWith('sqlite:');
      const path = isPath ? resolve(target.replace(/^(file|sqlite):/, '')) : undefined;
      const existed = path !== undefined && existsSync(path);
      try {
        if (path) mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        // Like a log that cannot be opened: exit 3, not an internal error with a stack.
        throw new StoreUnavailableError(`cannot create a cairn log at ${path}: ${(error as Error).message}`);
      }
      const opened = await openStore(path ?? target, { create: true });
      await opened.store.close();
      const created = path !== undefined ? !existed : (opened.created ?? true);
      if (globals.json) printJson({ store: path ?? opened.describe, created });
      else printLine(created ? `created cairn log at ${path ?? opened.describe}` : `cairn log already at ${path ?? opened.describe}`);
    });
}
