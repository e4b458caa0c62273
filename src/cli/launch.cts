import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm = require('node:vm');

/**
 * The fast path of the `cairn` executable. An agent calls the CLI dozens of times a session
 * and each call is a new process, so start-up is most of what a command costs: loading
 * ~100 ES modules (zod alone is ~60) and compiling them took three times as long as
 * `node -e 0`. `npm run build` therefore also writes (scripts/bundle-cli.mjs):
 *
 *   dist/src/cli/cairn.<hash>.cjs        program.ts and its dependencies in one CommonJS module, wrapped (`wrap`)
 *   dist/src/cli/cairn.<hash>.cjs.cache  V8's compiled code for it, warmed on real commands
 *   dist/src/cli/cairn.bundle.json       which bundle, and the commands it may serve
 *
 * One file costs one read and one compile, and V8's code cache skips most of the compile.
 * The bundle is only an optimisation of the same code: whenever it is missing, older than
 * the compiled modules, fails to load, or the command is not one of the core commands it
 * was checked on (e.g. long-running servers, which may load packages that must not be
 * duplicated), main.cts runs the compiled modules instead. CAIRN_BUNDLE=0 forces that.
 */

export const MANIFEST = 'cairn.bundle.json';

export interface BundleManifest {
  /** File name of the bundle, beside this module; the name carries a hash of its content. */
  bundle: string;
  /** Commands the bundle serves; anything else runs unbundled. */
  commands: string[];
  /** Bundles of one command each (hook, status, tasks…), beside this module: they load nothing of the other commands. */
  bundles?: Record<string, string>;
}

export interface LoadedBundle {
  main: (argv: string[]) => Promise<void>;
  /** Writes V8's code cache when there was none or V8 rejected it (another Node version). */
  saveCache(force?: boolean): void;
}

const here = __dirname;

/**
 * The CommonJS wrapper around a bundle's code, written into the bundle file by the build: V8
 * then compiles the file's own string. Wrapped here, V8 flattened a joined copy of half a
 * megabyte on every call (`tasks`: 3,803 to 3,812 page faults now, 3,845 to 3,851 before;
 * under a millisecond, but a page fault is dear on these machines).
 * It must never change between the run that writes the code cache and the runs that read it.
 */
export const wrap = (source: string) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

/** Options that take a value, so their value is not mistaken for the command. */
const VALUE_OPTIONS = new Set(['--as', '--store']);

/** The bundle to run this command with, or undefined to run the compiled modules. */
export function bundleFor(args: string[], env: NodeJS.ProcessEnv = process.env, dir = here): string | undefined {
  if (env.CAIRN_BUNDLE === '0') return undefined;
  // The default context loader lets code in a vm.Script use import(); without it, no bundle.
  if (vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined) return undefined;
  let manifest: BundleManifest;
  try {
    const file = join(dir, MANIFEST);
    // tsc rewrites every module on each build: a bundle older than them is stale.
    if (statSync(join(dir, 'program.js')).mtimeMs > statSync(file).mtimeMs) return undefined;
    manifest = JSON.parse(readFileSync(file, 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
  let command: string | undefined;
  let store = env.CAIRN_STORE;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--store') store = args[i + 1];
    else if (arg.startsWith('--store=')) store = arg.slice('--store='.length);
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (command === undefined && !arg.startsWith('-')) command = arg;
  }
  if (command !== undefined && !manifest.commands.includes(command)) return undefined;
  // A remote store loads its adapter by a path the bundle cannot know: run unbundled.
  if (store && /^[a-z][a-z0-9+.-]*:\/\//i.test(store.trim()) && !/^file:/i.test(store.trim())) return undefined;
  const own = command === undefined ? undefined : manifest.bundles?.[command];
  return join(dir, own ?? manifest.bundle);
}

/** Loads a bundle with its code cache; undefined (after saying why) when it cannot be loaded. */
export function loadBundle(file: string): LoadedBundle | undefined {
  const cacheFile = `${file}.cache`;
  let script: vm.Script;
  let cachedData: Buffer | undefined;
  const module = { exports: {} as { main?: LoadedBundle['main'] } };
  try {
    // The bundle is ASCII (bundle-cli.mjs), so latin1 reads it exactly; unlike utf8, it reads into
    // a buffer of the file's size instead of one that grows by copies (`tasks`: 65 page faults fewer).
    const source = readFileSync(file, 'latin1');
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    script = new vm.Script(source, {
      filename: file,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    if (typeof module.exports.main !== 'function') throw new Error('it exports no main()');
  } catch (error) {
    process.stderr.write(`cairn: running unbundled, the bundle ${file} failed to load: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
  return {
    main: module.exports.main,
    saveCache(force = false) {
      if (!force && cachedData !== undefined && !script.cachedDataRejected) return;
      // Atomic: many agents may start at once; a reader sees the old cache or the new one.
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // e.g. a read-only install: a missing cache only costs speed
        try {
          rmSync(temporary, { force: true });
        } catch {
          /* nothing to clean */
        }
      }
    },
  };
}
