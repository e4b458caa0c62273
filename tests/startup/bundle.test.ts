import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Launch from '../../src/cli/launch.cjs';

const cliDir = fileURLToPath(new URL('../../dist/src/cli/', import.meta.url));
// The launcher is CommonJS (.cts), which vitest does not transform: test the compiled one.
const { bundleFor, MANIFEST } = createRequire(import.meta.url)(join(cliDir, 'launch.cjs')) as typeof Launch;
type BundleManifest = Launch.BundleManifest;
const CLI = join(cliDir, 'main.cjs');

/** The CLI's fast path (src/cli/launch.cts, scripts/bundle-cli.mjs): the same CLI, started faster. */
describe('the CLI bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is built by npm run build, with its code cache, for the core commands', () => {
    const manifest = JSON.parse(readFileSync(join(cliDir, MANIFEST), 'utf8')) as BundleManifest;
    expect(existsSync(join(cliDir, manifest.bundle))).toBe(true);
    expect(existsSync(join(cliDir, `${manifest.bundle}.cache`))).toBe(true);
    for (const command of ['init', 'join', 'claim', 'find', 'status', 'log', 'help']) expect(manifest.commands).toContain(command);
  });

  it('serves core commands, and leaves other commands, remote stores and CAIRN_BUNDLE=0 to the compiled modules', () => {
    const env = {};
    expect(bundleFor(['questions'], env, cliDir)).toMatch(/cairn\.[0-9a-f]+\.cjs$/);
    expect(bundleFor(['--as', 'serve', 'claim', 't-1'], env, cliDir)).toBeDefined();
    expect(bundleFor([], env, cliDir)).toBeDefined();
    expect(bundleFor(['serve'], env, cliDir)).toBeUndefined();
    expect(bundleFor(['no-such-command'], env, cliDir)).toBeUndefined();
    expect(bundleFor(['status'], { CAIRN_BUNDLE: '0' }, cliDir)).toBeUndefined();
    expect(bundleFor(['status', '--store', 'kurrentdb://localhost:2113'], env, cliDir)).toBeUndefined();
    expect(bundleFor(['status', '--store=esdb://db:2113'], env, cliDir)).toBeUndefined();
    expect(bundleFor(['status'], { CAIRN_STORE: 'kurrentdb://localhost:2113' }, cliDir)).toBeUndefined();
    expect(bundleFor(['status', '--store', 'file:///tmp/x.db'], env, cliDir)).toBeDefined();
    // The commands agents run most have a bundle each, with its code cache; the rest share one.
    for (const command of ['hook', 'status', 'tasks', 'inbox', 'claim', 'find', 'log']) {
      expect(bundleFor([command, '--as', 'ada'], env, cliDir)).toMatch(new RegExp(`cairn-${command}\\.[0-9a-f]+\\.cjs$`));
      expect(existsSync(`${bundleFor([command], env, cliDir)!}.cache`)).toBe(true);
    }
    expect(bundleFor(['propose'], env, cliDir)).toMatch(/cairn\.[0-9a-f]+\.cjs$/);
  });

  it('is not used when it is older than the compiled modules (a tsc run without the bundler)', () => {
    const fake = mkdtempSync(join(dir, 'stale-'));
    writeFileSync(join(fake, MANIFEST), JSON.stringify({ bundle: 'cairn.0.cjs', commands: ['status'] }));
    writeFileSync(join(fake, 'program.js'), '');
    utimesSync(join(fake, MANIFEST), new Date(1000), new Date(1000));
    expect(bundleFor(['status'], {}, fake)).toBeUndefined();
    utimesSync(join(fake, 'program.js'), new Date(500), new Date(500));
    expect(bundleFor(['status'], {}, fake)).toBe(join(fake, 'cairn.0.cjs'));
  });

  it('loads, for the commands agents run most, none of the built-ins they do not use, and not zod', () => {
    // Each of these costs a compile in every process (worker_threads ~5 ms: node's streams
    // come with it); the bundle requires them on first use (LAZY_BUILTINS in scripts/bundle-cli.mjs).
    // zod is required on first use too (LAZY_ZOD): valid input and events take the generated validators.
    const store = join(dir, 'lean.db');
    const probe = join(dir, 'loaded.cjs');
    const zodLoaded = `(Object.keys(require.cache).some((f) => f.includes('/node_modules/zod/')) ? ' zod' : '')`;
    writeFileSync(probe, `process.on('exit', () => require('node:fs').writeSync(2, '\\nLOADED ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(' ') + ${zodLoaded} + '\\n'));`);
    const exiting = (code: number, ...args: string[]) => {
      const result = spawnSync(process.execPath, ['--require', probe, CLI, ...args], { env: { ...process.env, CAIRN_STORE: store, CAIRN_INSTANCE: '' }, encoding: 'utf8', cwd: dir });
      expect(result.status, result.stderr).toBe(code);
      return /\nLOADED (.*)\n/.exec(result.stderr)![1]!.split(' ');
    };
    const run = (...args: string[]) => exiting(0, ...args);
    run('init');
    run('join', '--role', 'builder', '--as', 'ada');
    run('propose', 'Map the retry paths', '--id', 't-1', '--as', 'ada');
    const unused = ['child_process', 'crypto', 'readline', 'fs/promises', 'stream/promises', 'worker_threads', 'net', 'zod'];
    expect(run('--help')).toContain('fs'); // the probe sees what a command loads
    expect(exiting(2, 'status', '--limit', 'x')).toContain('zod'); // and zod, once input is bad and it must say why
    for (const args of [['status'], ['tasks'], ['inbox', '--as', 'ada'], ['hook', '--as', 'ada'], ['log', '--limit', '20', '--since', '2'], ['claim', 't-1', '--as', 'ada', '--lease', '20m'], ['hook', '--as', 'ada', '--lease-warning', '10m'], ['find', 'Retries ignore Retry-After', '--as', 'ada']]) {
      expect({ args, loaded: run(...args).filter((name) => unused.includes(name)) }).toEqual({ args, loaded: [] });
    }
  });

  it('answers exactly as the compiled modules do', () => {
    const store = join(dir, 'log.db');
    const run = (bundle: string, ...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, CAIRN_STORE: store, CAIRN_BUNDLE: bundle, CAIRN_INSTANCE: '' }, encoding: 'utf8', cwd: dir });
    expect(run('1', 'init').status).toBe(0);
    expect(run('1', 'join', '--role', 'builder', '--as', 'ada').status).toBe(0);
    expect(run('0', 'propose', 'Map the retry paths', '--id', 't-1', '--as', 'ada').status).toBe(0);
    for (const args of [
      ['--help'],
      ['log', '--json', '--type', 'InstanceJoined,TaskProposed'],
      ['claim', 'bad id!', '--as', 'ada'],
      ['claim', 't-9', '--as', 'ada', '--json'],
      ['nonsense'],
      ['hook', '--help'],
      ['hook', '--as', 'ada', '--format', 'xml'],
      ['hook', '--json'],
      ['status', '--json', '--limit', 'x'],
      ['claim', 't-1', '--as', 'ada', '--lease', '8d'],
      ['claim', 't-1', '--as', 'ada', '--lease', 'soon'],
      ['log', '--since', 'yesterday'],
      ['tasks'],
      ['inbox', '--json'],
      ['find', '--as', 'ada'],
      ['claim', '--help'],
    ]) {
      const fast = run('1', ...args);
      const plain = run('0', ...args);
      expect({ args, code: fast.status, stdout: fast.stdout, stderr: fast.stderr }).toEqual({ args, code: plain.status, stdout: plain.stdout, stderr: plain.stderr });
    }
  });
});
