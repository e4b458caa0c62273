#!/usr/bin/env node
/**
 * Builds the CLI's fast path (see src/cli/launch.cts), after tsc: bundles dist/src/cli/program.js
 * into one CommonJS file, warms V8's code cache by running the core commands on a scratch
 * log, and writes the manifest main.cjs looks for. On any failure it leaves no manifest, so
 * the CLI runs unbundled (slower, same behaviour), and says so loudly.
 *
 *   node scripts/bundle-cli.mjs            (run by `npm run build`)
 *   node scripts/bundle-cli.mjs --warm F   (internal: warm bundle F on the log at $CAIRN_STORE)
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = join(root, 'dist', 'src', 'cli');
const MANIFEST = join(cliDir, 'cairn.bundle.json');

/**
 * Left to Node's own loader: packages only long-running commands use (they run unbundled
 * anyway, and bundling them would duplicate zod or hono between copies). better-sqlite3's
 * JavaScript is bundled (resolving and compiling it took ~3 ms a call) and loads its addon by
 * the path src/store/sqlite.ts resolves (NATIVE_BINDING); only where the addon is not at that
 * path is the package left to Node, whose `bindings` search then finds it.
 */
const ADDON_AT_KNOWN_PATH = existsSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
const EXTERNAL = [
  ...(ADDON_AT_KNOWN_PATH ? [] : ['better-sqlite3', 'bindings']),
  '@kurrent/*',
  '@grpc/*',
  '@modelcontextprotocol/*',
  'hono',
  'hono/*',
  '@hono/*',
  'playwright-core',
  'testcontainers',
  'pg',
  'pg-*',
  'fsevents',
];

/**
 * Node built-ins outside its start-up snapshot cost a compile on first require: child_process
 * (which commander loads for a feature cairn does not use) and crypto alone were ~5 ms of a
 * ~90 ms command. The bundle requires these on first use instead, through a proxy; a read
 * that never makes an id or spawns a process never loads them. worker_threads (import's fold
 * thread, in the same bundle as `log`) loads node's streams with it: ~5 ms of every `log`.
 */
const LAZY_BUILTINS = ['child_process', 'crypto', 'readline', 'fs/promises', 'stream/promises', 'worker_threads'];

/**
 * zod in the bundles of one command each: required from node_modules on first use, not bundled.
 * Their common path checks events, input and --as with the validators generated from the
 * schemas (src/runtime/validate/) and makes no schema, so zod is needed only for what those
 * leave to it: naming what is wrong in bad input (about 60 ms to load it then). Bundled, its
 * 130 KiB were read, set up (about a hundred classes) and held in the code cache on every call;
 * `status` built without it took 0.95 of the time (stop 38, `farm-bench -n 40`, paired). The
 * names are the ones cairn's compiled code uses; one missing fails the build (see bundleOf).
 * `config` is kept until zod loads: one-shot.ts sets it before any schema is made.
 */
const LAZY_ZOD = 'cairn:lazy-zod';
const LAZY_ZOD_SOURCE = `
let real;
let pending;
export let NEVER = Object.freeze({ status: 'aborted' });
export let ZodError = class ZodErrorNotLoaded {};
function zod() {
  if (real === undefined) {
    real = require('zod');
    if (pending !== undefined) real.config(pending);
    NEVER = real.NEVER;
    ZodError = real.ZodError;
  }
  return real;
}
export function config(settings) {
  if (real === undefined) pending = { ...pending, ...settings };
  else real.config(settings);
}
const forward = (name) => (...args) => zod()[name](...args);
export const string = forward('string'), strictObject = forward('strictObject'), looseObject = forward('looseObject');
export const object = forward('object'), number = forward('number'), array = forward('array'), boolean = forward('boolean');
export const record = forward('record'), unknown = forward('unknown'), uuid = forward('uuid'), literal = forward('literal');
export const union = forward('union'), toJSONSchema = forward('toJSONSchema');
const enumOf = forward('enum');
export { enumOf as enum };
export const iso = { datetime: (...args) => zod().iso.datetime(...args) };
export const coerce = { number: (...args) => zod().coerce.number(...args) };
`;

/** [expected exit code, ...args]: V8 caches what a run compiled, so warm it on what agents run. */
const WARM = [
  [0, '--help'],
  [0, 'init'],
  [0, 'join', '--role', 'explorer', '--as', 'ada'],
  [0, 'join', '--role', 'builder', '--as', 'bo'],
  [0, 'propose', 'Map the retry paths', '--tag', 'uploads', '--id', 't-warm', '--as', 'ada'],
  [0, 'claim', 't-warm', '--lease', '30m', '--as', 'bo'],
  [1, 'claim', 't-warm', '--as', 'ada'],
  [0, 'ask', 'Why do uploads stall?', '--id', 'q-warm', '--as', 'ada'],
  [0, 'find', 'Retries ignore the Retry-After header', '--topic', 'uploads', '--question', 'q-warm', '--as', 'ada'],
  [0, 'say', 'Retry-After is ignored', '--to', 'role:builder', '--as', 'ada'],
  [0, 'inbox', '--mark-read', '--as', 'bo'],
  [0, 'sync', '--as', 'bo'],
  [0, 'tasks'],
  [0, 'findings', '--json'],
  [0, 'questions'],
  [0, 'activity'],
  [0, 'status'],
  [0, 'status', '--json'],
  [0, 'renew', 't-warm', '--as', 'bo'],
  [0, 'release', 't-warm', '--as', 'bo'],
  [0, 'claim', 't-warm', '--as', 'ada', '--json'],
  [0, 'done', 't-warm', '--outcome', 'mapped', '--as', 'ada'],
  [0, 'wait', '--task', 't-warm', '--state', 'completed', '--timeout', '1s'],
  [0, 'log', '--limit', '5'],
  [0, 'log', '--json', '--limit', '5'],
  [0, 'replay', 'tasks', '--at', '3'],
  [2, 'claim', 'no such task!', '--as', 'ada'],
];

/** The scratch log the one-command bundles are warmed on, set up by the compiled CLI. */
const OWN_SETUP = [
  ['init'],
  ['join', '--role', 'explorer', '--as', 'ada'],
  ['join', '--role', 'builder', '--as', 'bo'],
  ['find', 'Retries ignore the Retry-After header', '--topic', 'uploads', '--as', 'ada'],
  ['find', 'The client retries at once and ignores Retry-After', '--topic', 'uploads', '--as', 'bo'],
  ['propose', 'Map the retry paths', '--tag', 'uploads', '--id', 't-warm', '--as', 'bo'],
  ['propose', 'Map the upload paths', '--id', 't-warm-2', '--as', 'bo'],
  ['claim', 't-warm', '--lease', '2m', '--as', 'ada'],
  ['say', 'Retry-After is ignored', '--to', 'role:explorer', '--as', 'bo'],
];

/** A spec of bridge.ts, added alone: what the bundle of one operation command registers. */
const operation = (name) => ({ imports: `import { addOperation } from './bridge.js';\nimport { ${name}Command } from './specs/${name}.js';`, call: `addOperation(program, ${name}Command);` });

/**
 * The commands with a bundle of their own: how each registers, [exit code, ...args] to warm its
 * code cache on (the forms agents run), and more to check it on after the cache is written.
 * V8 caches every function a run compiled, and reading the cache back costs by its size: the
 * checks' --json and error paths kept out of it made it 10 to 15% smaller and `tasks` and `log`
 * about 1.5% faster (stop 38, `farm-bench -n 30`, paired); those paths compile when first run.
 */
const OWN_BUNDLES = {
  hook: {
    register: { imports: `import { registerHook } from './hook.js';`, call: 'registerHook(program);' },
    warm: [[0, 'hook', '--as', 'ada'], [0, 'hook', '--as', 'bo', '--format', 'claude', '--event', 'UserPromptSubmit']],
    check: [[0, 'hook', '--as', 'ada', '--json'], [2, 'hook', '--as', 'ada', '--format', 'xml']],
  },
  status: { register: operation('status'), warm: [[0, 'status']], check: [[0, 'status', '--json'], [2, 'status', '--limit', 'x']] },
  tasks: { register: operation('tasks'), warm: [[0, 'tasks']], check: [[0, 'tasks', '--json', '--all'], [2, 'tasks', '--status', 'lost']] },
  inbox: { register: operation('inbox'), warm: [[0, 'inbox', '--as', 'ada']], check: [[0, 'inbox', '--as', 'ada', '--json', '--mark-read']] },
  claim: {
    register: operation('claim'),
    warm: [[0, 'claim', 't-warm-2', '--as', 'bo']],
    check: [[1, 'claim', 't-warm', '--as', 'bo'], [0, 'claim', 't-warm-2', '--as', 'bo', '--json'], [2, 'claim', 'bad id!', '--as', 'bo']],
  },
  find: {
    register: operation('find'),
    warm: [[0, 'find', 'Retries wait for the Retry-After header now', '--topic', 'uploads', '--as', 'bo']],
    check: [[0, 'find', 'Backoff doubles', '--as', 'ada', '--json'], [2, 'find', '--as', 'ada']],
  },
  log: {
    register: { imports: `import { registerLogCommands } from './log-commands.js';`, call: 'registerLogCommands(program);' },
    warm: [[0, 'log', '--limit', '5']],
    check: [[0, 'log', '--json', '--limit', '5'], [2, 'log', '--limit', 'x']],
  },
};

if (process.argv[2] === '--warm') await warm(process.argv[3], JSON.parse(process.argv[4]), JSON.parse(process.argv[5] ?? '[]'));
else await build();

async function build() {
  const started = Date.now();
  rmSync(MANIFEST, { force: true }); // until the new bundles are checked, main.cjs runs unbundled
  try {
    for (const old of readdirSync(cliDir)) if (/^cairn(-[a-z]+)?\.[0-9a-f]+\.cjs(\.cache)?(\..*\.tmp)?$/.test(old)) rmSync(join(cliDir, old), { force: true });
    const bundle = await bundleOf({ entry: 'program.js' }, 'cairn', WARM);
    // The commands agents run most, each in a bundle of its own that loads nothing of the other commands.
    const bundles = {};
    const template = preparedLog(OWN_SETUP);
    try {
      for (const [command, { register, warm, check }] of Object.entries(OWN_BUNDLES)) bundles[command] = (await bundleOf({ register }, `cairn-${command}`, warm, template, check)).name;
    } finally {
      rmSync(template, { recursive: true, force: true });
    }

    const { Command } = await import('commander');
    const { registerCoreCommands } = await import(pathToFileURL(join(cliDir, 'commands.js')).href);
    const program = new Command('cairn');
    registerCoreCommands(program);
    const commands = [...program.commands.map((c) => c.name()), 'help'];
    writeFileSync(MANIFEST, `${JSON.stringify({ bundle: bundle.name, commands, bundles }, null, 2)}\n`);
    console.log(`bundled the CLI into dist/src/cli/${bundle.name} (${bundle.kib} KiB) and ${Object.keys(bundles).length} bundles of one command each, code caches warmed, in ${Date.now() - started} ms`);
  } catch (error) {
    // The CLI still works unbundled; make the lost start-up time impossible to miss.
    console.error(`\nWARNING: the CLI fast path was not built; cairn will run unbundled (slower):\n${error?.stack ?? error}\n`);
  }
}

/** A scratch directory whose log.db the compiled CLI has run `setup` on: the one-command bundles warm up on copies. */
function preparedLog(setup) {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-warm-log-'));
  const env = { ...process.env, CAIRN_STORE: join(dir, 'log.db'), CAIRN_INSTANCE: '', CAIRN_BUNDLE: '0' };
  for (const args of setup) {
    const done = spawnSync(process.execPath, [join(cliDir, 'main.cjs'), ...args], { cwd: dir, env, encoding: 'utf8' });
    if (done.status !== 0) throw new Error(`cairn ${args.join(' ')} failed while preparing the warm-up log:\n${done.stderr}`);
  }
  return dir;
}

/**
 * Bundles an entry point (a module of dist/src/cli, or a program of the commands `register`
 * adds) into dist/src/cli/PREFIX.<hash>.cjs, warms its code cache on `warmUp` and then runs
 * `checks`, on a copy of `template` (a prepared log) when given.
 */
async function bundleOf({ entry, register }, prefix, warmUp, template, checks = []) {
  const { build: esbuild } = await import('esbuild');
  const program = register && {
    // one-shot.js first: it configures zod before any module makes a schema.
    contents: `import './one-shot.js';\nimport { runProgram } from './run-program.js';\n${register.imports}\nexport const main = (argv) => runProgram((program) => { ${register.call} }, argv);\n`,
    resolveDir: cliDir,
    sourcefile: `${prefix}-program.js`,
  };
  const result = await esbuild({
    ...(program ? { stdin: program } : { entryPoints: [join(cliDir, entry)] }),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    // Whitespace and syntax only: stack traces of internal errors keep their names.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
    alias: { stopword: 'stopword/src/stopword.js' },
    plugins: [moduleUrls(), lazyCommandsUnbundled(), ...(register ? [lazyZod()] : [])],
  });
  // A name the lazy zod does not forward would be undefined at run time: refuse the bundle.
  const missing = result.warnings.filter((w) => /no matching export/.test(w.text));
  if (missing.length > 0) throw new Error(`${prefix}: ${missing.map((w) => w.text).join('; ')} (add it to LAZY_ZOD_SOURCE)`);
  const { wrap } = await import(pathToFileURL(join(cliDir, 'launch.cjs')).href);
  const code = wrap(asciiOnly(lazyBuiltins(result.outputFiles[0].text)));
  const name = `${prefix}.${createHash('sha256').update(code).digest('hex').slice(0, 12)}.cjs`;
  const file = join(cliDir, name);
  writeFileSync(file, code);
  const scratch = mkdtempSync(join(tmpdir(), 'cairn-warm-'));
  try {
    if (template) cpSync(template, scratch, { recursive: true });
    const env = { ...process.env, CAIRN_STORE: join(scratch, 'log.db'), CAIRN_INSTANCE: '' };
    const warmed = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--warm', file, JSON.stringify(warmUp), JSON.stringify(checks)], { cwd: scratch, env, encoding: 'utf8' });
    if (warmed.status !== 0) throw new Error(`${name} failed on the commands it serves:\n${warmed.stderr}${warmed.stdout}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { name, kib: (code.length / 1024).toFixed(0) };
}

/**
 * esbuild escapes non-ASCII characters everywhere but in regular expression literals, and a
 * few of cairn's (curly quotes, an emoji) are enough to make the whole bundle a two-byte string
 * in V8: read, hashed against its code cache and scanned at twice the size. The only non-ASCII
 * code left is inside literals, where \uXXXX means the same UTF-16 unit (with or without the
 * `u` flag, a surrogate pair of escapes is the same pair).
 */
function asciiOnly(code) {
  // An escaped one (\’) would become \\u2019, an escaped backslash: refuse rather than change a meaning.
  if (/\\[^\x00-\x7f]/.test(code)) throw new Error('the bundle escapes a non-ASCII character; asciiOnly cannot rewrite it');
  return code.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Rewrites the bundle's require() of LAZY_BUILTINS to a proxy that requires on first use. */
function lazyBuiltins(code) {
  const names = LAZY_BUILTINS.map((name) => name.replace('/', '\\/')).join('|');
  const lazy = code.replace(new RegExp(`\\brequire\\("((?:node:)?(?:${names}))"\\)`, 'g'), '__lazyBuiltin("$1")');
  const helper =
    'var __lazyBuiltin=(id)=>{let m;const load=()=>m??=require(id);return new Proxy({},{' +
    'get:(_,k)=>load()[k],set:(_,k,v)=>(load()[k]=v,true),has:(_,k)=>k in load(),ownKeys:()=>Reflect.ownKeys(load()),' +
    'getOwnPropertyDescriptor:(_,k)=>{const d=Reflect.getOwnPropertyDescriptor(load(),k);return d&&{...d,configurable:true}}})};\n';
  const directive = /^(#![^\n]*\n)?("use strict";\n?)?/.exec(lazy)[0];
  return directive + helper + lazy.slice(directive.length);
}

/**
 * esbuild turns import.meta into {} in CommonJS. Give each project module its own URL back,
 * relative to the bundle's directory, so `new URL('./main.cjs', import.meta.url)` still points
 * where it did before bundling, wherever the package is installed.
 */
function moduleUrls() {
  const dist = join(root, 'dist') + sep;
  return {
    name: 'module-urls',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(dist)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const path = JSON.stringify(relative(cliDir, args.path));
        const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${path})).href`;
        const contents = source
          .replaceAll('import.meta.url', `(${url})`)
          .replaceAll('import.meta.filename', `require("node:path").join(__dirname, ${path})`)
          .replaceAll('import.meta.dirname', `require("node:path").dirname(require("node:path").join(__dirname, ${path}))`);
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * A dynamic import in a src/cli module is a heavy command's implementation, loaded in its
 * action (the pattern commands.ts asks for: servers, MCP). Those commands are not core, so
 * main.cjs runs them unbundled; leaving their code out keeps the bundle, and the compile every
 * call pays for it, small.
 */
function lazyCommandsUnbundled() {
  return {
    name: 'lazy-commands-unbundled',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import' || dirname(args.importer) !== cliDir) return undefined;
        const target = relative(cliDir, resolve(dirname(args.importer), args.path));
        return { path: target.startsWith('.') ? target : `./${target}`, external: true };
      });
    },
  };
}

/** Resolves cairn's imports of zod to LAZY_ZOD_SOURCE, whose own require of zod is left to Node. */
function lazyZod() {
  return {
    name: 'lazy-zod',
    setup(build) {
      build.onResolve({ filter: /^zod$/ }, (args) => (args.namespace === LAZY_ZOD ? { path: 'zod', external: true } : { path: LAZY_ZOD, namespace: LAZY_ZOD }));
      build.onLoad({ filter: /.*/, namespace: LAZY_ZOD }, () => ({ contents: LAZY_ZOD_SOURCE, loader: 'js', resolveDir: cliDir }));
    },
  };
}

/** In a child process: runs the warm-up commands through the bundle, saves its code cache, then runs the checks. */
async function warm(file, warmUp, checks) {
  const { loadBundle } = await import(pathToFileURL(join(cliDir, 'launch.cjs')).href);
  const bundle = loadBundle(file);
  if (!bundle) process.exit(1);
  const failures = await runAll(bundle, warmUp);
  if (failures.length === 0) bundle.saveCache(true);
  failures.push(...(await runAll(bundle, checks)));
  process.exitCode = 0;
  if (failures.length > 0) {
    process.stderr.write(failures.join('\n'));
    process.exit(1);
  }
}

/** Runs each [expected exit code, ...args] through the bundle; what went otherwise, with its output. */
async function runAll(bundle, commands) {
  const write = process.stdout.write.bind(process.stdout);
  const failures = [];
  for (const [expected, ...args] of commands) {
    process.exitCode = 0;
    let output = '';
    process.stdout.write = (chunk) => ((output += chunk), true);
    try {
      await bundle.main([process.execPath, join(cliDir, 'main.cjs'), ...args]);
    } finally {
      process.stdout.write = write;
    }
    if (process.exitCode !== expected) failures.push(`cairn ${args.join(' ')}: exit ${process.exitCode}, expected ${expected}\n${output}`);
  }
  return failures;
}
