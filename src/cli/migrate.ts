import type { Command } from 'commander';
import { storeUrlOf, type GlobalOptions } from './context.js';
import { printJson, printLine } from './output.js';
import { progressBar } from './progress.js';

/**
 * `cairn migrate --to URL`: copies the whole log to another store (the embedded file to PostgreSQL or
 * KurrentDB, or back), resumable if interrupted, verified by count and hash at the end.
 */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Copy the whole log to another store (ids, order and metadata kept), resumable, verified by count and hash')
    .requiredOption('--to <url>', 'the target store: a file path, postgres://user@host/db or kurrentdb://host:2113?tls=false')
    .option('--from <url>', 'the source store (default: the current one)')
    .action(async (options: { to: string; from?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const [{ openStore }, { migrate }] = await Promise.all([import('../store/open.js'), import('../app/migrate.js')]);
      const from = await openStore(options.from ?? storeUrlOf(globals));
      const to = await openStore(options.to, { create: true }).catch(async (error: unknown) => {
        await from.store.close();
        throw error;
      });
      const bar = await progressBar(globals.json, 'migrating');
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      try {
        const result = await migrate({
          from: from.store,
          to: to.store,
          signal: stop.signal,
          onProgress: (copied, total) => bar?.update(copied, total),
        });
        bar?.stop();
        if (globals.json) printJson({ from: from.describe, to: to.describe, ...result });
        else
          printLine(
            `migrated ${from.describe} -> ${to.describe}: ${result.copied} copied, ${result.skipped} already there, ${result.total} in all; verified (sha256 ${result.targetHash.slice(0, 16)}…)`,
          );
      } finally {
        bar?.stop();
        process.off('SIGINT', onSignal);
        await Promise.all([from.store.close(), to.store.close()]);
      }
    });
}
