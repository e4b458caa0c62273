import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect } from 'vitest';

/** The compiled CLI: `npm test` builds first, so the tests run exactly what users run. */
export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.cjs', import.meta.url));

export interface RunOptions {
  cwd?: string;
  /** Added to the environment; `undefined` removes a variable. CAIRN_* variables (CAIRN_STORE, CAIRN_INSTANCE…) start unset. */
  env?: Record<string, string | undefined>;
  /** Written to standard input, which is then closed. */
  input?: string;
  /** A command the CLI runs under, such as `ip netns exec HOST` to run it on another network host. */
  under?: string[];
}

export interface CairnResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** performance.now() when the process exited: to compare the exits of concurrent processes. */
  exitedAt: number;
  /** stdout as exactly one JSON object (fails the test when it is not). */
  json<T = any>(): T;
  /** stdout as NDJSON: one JSON value per line. */
  lines<T = any>(): T[];
}

function environment(extra: RunOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // CAIRN_STORE, CAIRN_INSTANCE, CAIRN_URL…: the caller's own settings must not reach the tests.
  // CAIRN_BUNDLE stays, so the suite can be run against the unbundled modules too.
  for (const key of Object.keys(env)) if (key.startsWith('CAIRN_') && key !== 'CAIRN_BUNDLE') delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** A running CLI process, for tests that act on it while it runs (`wait`). */
export interface Spawned {
  child: ChildProcess;
  /** What it has printed so far. */
  stdout(): string;
  done: Promise<CairnResult>;
}

export function spawnCairn(args: string[], options: RunOptions = {}): Spawned {
  const [command, ...prefix] = [...(options.under ?? []), process.execPath];
  const child = spawn(command!, [...prefix, CLI, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: environment(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.on('error', () => undefined); // the CLI may exit before reading its input
  child.stdin!.end(options.input ?? '');
  const done = new Promise<CairnResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const exitedAt = performance.now();
      resolve({
        code,
        stdout,
        stderr,
        exitedAt,
        json<T>() {
          const text = stdout.trim();
          expect(text.split('\n'), `expected exactly one JSON line on stdout, got:\n${stdout}\nstderr:\n${stderr}`).toHaveLength(1);
          const value = JSON.parse(text) as T;
          expect(typeof value === 'object' && value !== null && !Array.isArray(value), 'expected a JSON object').toBe(true);
          return value;
        },
        lines<T>() {
          return stdout
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as T);
        },
      });
    });
  });
  return { child, stdout: () => stdout, done };
}

/** Runs `cairn ARGS` to completion. Async, so several can run at once. */
export function cairn(args: string[], options: RunOptions = {}): Promise<CairnResult> {
  return spawnCairn(args, options).done;
}

const made: string[] = [];

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'cairn-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory with a fresh `.cairn/log.db`, and a runner bound to it (cwd = that directory). */
export interface Workspace {
  dir: string;
  store: string;
  run(args: string[], options?: RunOptions): Promise<CairnResult>;
  /** Runs as an instance: appends `--as ID`. */
  as(instance: string, args: string[], options?: RunOptions): Promise<CairnResult>;
  /** Every event, from `log --json`. */
  events(): Promise<LoggedEvent[]>;
}

export interface LoggedEvent {
  type: string;
  streamName: string;
  position: string;
  revision: string;
  data: Record<string, any>;
  metadata: { eventId: string; instanceId: string; role: string; at: string; seenUpTo: string };
}

export async function workspace(): Promise<Workspace> {
  const dir = tempDir();
  const init = await cairn(['init'], { cwd: dir });
  expect(init.code, init.stderr).toBe(0);
  const run = (args: string[], options: RunOptions = {}) => cairn(args, { cwd: dir, ...options });
  return {
    dir,
    store: join(dir, '.cairn', 'log.db'),
    run,
    as: (instance, args, options) => run([...args, '--as', instance], options),
    async events() {
      const log = await run(['log', '--json', '--limit', '100000']);
      expect(log.code, log.stderr).toBe(0);
      return log.lines<LoggedEvent>();
    },
  };
}

/** Asserts the exit code, showing what the process printed when it differs. */
export function expectExit(result: CairnResult, code: number): void {
  expect(result.code, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(code);
}

/**
 * Resolves once a spawned CLI has opened the log file (Linux: its open descriptors), plus a
 * short margin for it to read the state it starts from. Elsewhere, a fixed pause.
 */
export async function untilOpened(child: ChildProcess, file: string, marginMs = 300): Promise<void> {
  const fds = `/proc/${child.pid}/fd`;
  if (!existsSync('/proc/self/fd')) {
    await sleep(1500);
    return;
  }
  const target = realpathSync(file);
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) return;
    try {
      if (readdirSync(fds).some((fd) => safeReadlink(join(fds, fd)) === target)) break;
    } catch {
      // the process is starting or gone; try again
    }
    await sleep(20);
  }
  await sleep(marginMs);
}

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Runs tasks with at most `limit` at a time: enough parallelism, without swamping two cores. */
export async function pooled<T, R>(items: readonly T[], limit: number, body: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await body(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
