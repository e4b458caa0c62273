import { constants, createReadStream, createWriteStream, openSync } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { StoredEvent } from '../../events/index.js';
import { log } from '../app/log.js';
import { DEFAULT_LIMIT } from '../app/page.js';
import { exportLog, importExport, type ExportLines, type ImportResult } from '../app/transfer.js';
import { BackgroundFold } from '../readstore/background-fold.js';
import type { Progress } from '../runtime/progress.js';
import { ValidationError } from '../../events/validation.js';
import { toPlainJson } from '../runtime/json.js';
import { toStored } from '../runtime/stored.js';
import { recordExposure, shownStreams, type Shown } from '../app/exposure.js';
import type { App } from '../app/app.js';
import { identityOf, remoteOf, storeUrlOf, withApp, type GlobalOptions } from './context.js';
import { clip, printJson, printLine } from './output.js';
import { streamOut, writeErr, writeOut } from './std-streams.js';
import { progressBar } from './progress.js';
import { parseInput } from '../app/operation.js';

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)];

/** One event per line: NDJSON with --json, a readable line otherwise. */
function printEvent(event: StoredEvent, json: boolean | undefined): void {
  if (json) {
    writeOut(`${JSON.stringify(toPlainJson(event))}\n`);
    return;
  }
  const d = event.data as Record<string, unknown>;
  const what = d.summary ?? d.title ?? d.body ?? d.text ?? d.role ?? d.upTo ?? d.leaseUntil ?? '';
  printLine(`${String(event.position).padStart(6)}  ${event.metadata.at}  ${event.metadata.instanceId.padEnd(12)} ${event.type.padEnd(18)} ${event.streamName}  ${clip(String(what), 50)}`);
}

/** Commands that stream the log rather than answer with one object. */
export function registerLogCommands(program: Command): void {
  program
    .command('log')
    .description('Print events in log order (NDJSON with --json), filtered; --follow keeps printing new ones')
    .option('--type <type>', 'only this event type (repeat or comma-separate)', collect)
    .option('--stream <stream>', 'only this stream, or streams with this prefix (task-)')
    .option('--instance <instance>', 'only events written by this instance')
    .option('--since <point>', 'a log position or an ISO time')
    .option('--limit <n>', `at most this many events (default ${DEFAULT_LIMIT})`)
    .option('--cursor <cursor>', 'continue after the last event shown (the position printed when there are more)')
    .option('--follow', 'after the history, keep printing new events as they are appended')
    .action(async (options: Record<string, unknown>, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const given = {
        type: options.type,
        stream: options.stream,
        instance: options.instance,
        since: options.since,
        limit: typeof options.limit === 'string' && /^\d+$/.test(options.limit) ? Number(options.limit) : options.limit,
        cursor: options.cursor,
      };
      // Options not given are left out, as an input from HTTP or MCP leaves them out.
      const input = parseInput(log, Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)), (field) => `--${field}`);
      // Listening before anything is printed: whoever reads the first lines may stop it at once.
      const stop = new AbortController();
      if (options.follow) {
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
      }
      await withApp(globals, async (app) => {
        const { events, next } = await log.run(app, input, {});
        await shown(app, globals, 'log', { streams: shownStreams(events) });
        for (const event of events) printEvent(event, globals.json);
        // On stderr: standard output stays one event per line.
        if (next !== null && !options.follow) {
          const full = events.length >= input.limit;
          writeErr(full ? `… more events after these: --cursor ${next} (or a larger --limit)\n` : `… looked through the log up to position ${next}: --cursor ${next} looks further\n`);
        }
        if (!options.follow) return;
        // Following goes on from where the history stopped: the last event shown, or the last looked at.
        const after = next !== null ? BigInt(next) : events.length > 0 ? events[events.length - 1]!.position : await app.store.headPosition();
        for await (const recorded of app.store.subscribe({ after, signal: stop.signal, streamPrefixes: input.stream ? [input.stream] : undefined })) {
          const event = toStored(recorded);
          if (input.type && !input.type.includes(event.type)) continue;
          if (input.instance && event.metadata.instanceId !== input.instance) continue;
          await shown(app, globals, 'log', { streams: shownStreams(event) });
          printEvent(event, globals.json);
        }
      });
    });

  program
    .command('export')
    .description('Write the whole log as NDJSON (ids, order and metadata preserved) to stdout or --out')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (options: { out?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      await withApp(globals, async (app) => {
        const out: NodeJS.WritableStream = options.out ? createWriteStream('', { fd: openForWriting(options.out) }) : streamOut();
        let count = 0;
        // A snapshot up to the head now: exactly what is recorded as shown.
        const head = await app.store.headPosition();
        await shown(app, globals, 'export', { streams: [], everything: true });
        for await (const event of exportLog(app.store)) {
          if (BigInt(event.position) > head) break;
          if (!out.write(`${JSON.stringify(event)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
          count++;
        }
        if (options.out) {
          await new Promise<void>((resolve) => out.end(() => resolve()));
          if (globals.json) printJson({ exported: count, file: options.out });
          else printLine(`exported ${count} events to ${options.out}`);
        }
      });
    });

  program
    .command('import')
    .description('Append events from an NDJSON export (validated first: a bad line appends nothing)')
    .argument('<file>', 'the export file, or - for standard input')
    .action(async (file: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      // Standard input can be read once: it is spooled to a file that both passes read.
      const path = file === '-' ? await spoolStdin() : file;
      try {
        await access(path, constants.R_OK);
      } catch (error) {
        throw new ValidationError([{ field: '<file>', reason: `cannot be read: ${(error as Error).message}` }]);
      }
      const lines = () => createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
      try {
        await withApp(globals, async (app) => {
          const result = await importInto(app, remoteOf(globals) ? undefined : storeUrlOf(globals), lines, globals.json);
          if (globals.json) printJson(result);
          else printLine(`imported ${result.imported} events${result.skipped ? `, ${result.skipped} already present` : ''}`);
        });
      } finally {
        if (file === '-') await rm(dirname(path), { recursive: true, force: true });
      }
    });
}

/**
 * Imports an export and folds what lands into the tables, so the first read after it answers
 * at once: in a thread of their own where the log allows one (a local store), appending on
 * one core while the tables fold on the other (this thread, idle once the appends end, leaves
 * the copies kept for replays); otherwise each batch as it lands.
 */
async function importInto(app: App, storeUrl: string | undefined, lines: ExportLines, json: boolean | undefined): Promise<ImportResult> {
  const tables = await app.tables();
  const start = tables.watermark();
  let folding: Progress | undefined;
  let head = start;
  const onFolded = (position: bigint) => folding?.update(Number(position - start), Number(head - start));
  const background = storeUrl === undefined ? undefined : BackgroundFold.start(storeUrl, { onFolded, tables });
  const bar = await progressBar(json, 'importing');
  let result: ImportResult;
  try {
    result = await importExport(app.store, lines, {
      onProgress: (done, total) => bar?.update(done, total),
      onAppended: (events) => (background ? background.grew() : tables.follow(events)),
    });
  } catch (error) {
    await background?.stop();
    throw error;
  } finally {
    bar?.stop();
  }
  if (background) {
    head = await app.store.headPosition();
    folding = await progressBar(json, 'folding into tables');
    try {
      await background.finish();
    } catch (error) {
      writeErr(`cairn: the tables' thread stopped (${(error as Error).message}); folding the rest here\n`);
    } finally {
      folding?.stop();
    }
  }
  await app.tables();
  return result;
}

/** Standard input, copied to a temporary file. */
async function spoolStdin(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-import-'));
  const path = join(dir, 'stdin.ndjson');
  await pipeline(process.stdin, createWriteStream(path));
  return path;
}

/**
 * Records what a command is about to print, as the instance named or anonymously. Against a
 * cairn server (CAIRN_URL) the server records it, as the token's instance, when it sends it.
 */
async function shown(app: App, globals: GlobalOptions, via: string, what: Shown): Promise<void> {
  if (remoteOf(globals)) return;
  await recordExposure(app, { instanceId: identityOf(globals) }, via, what);
}

/** Opens --out at once, so that a path that cannot be written is bad input (exit 2), not a crash. */
function openForWriting(file: string): number {
  try {
    return openSync(file, 'w');
  } catch (error) {
    throw new ValidationError([{ field: '--out', reason: `cannot be written: ${(error as Error).message}` }]);
  }
}
