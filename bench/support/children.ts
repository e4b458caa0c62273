import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const childrenDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'children');

export interface Child {
  process: ChildProcess;
  /** Resolves when the child printed "ready". */
  ready: Promise<void>;
  /** Every stdout line after "ready". */
  lines: string[];
  /** Called with each line as it arrives. */
  onLine?: (line: string) => void;
  /** Resolves with the exit code; rejects with stderr if it is not 0. */
  exited: Promise<void>;
  go(): void;
}

/** Starts dist/bench/children/NAME.js with `args`. */
export function startChild(name: string, args: string[]): Child {
  const child = spawn(process.execPath, [join(childrenDir, `${name}.js`), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const handle: Child = {
    process: child,
    ready,
    lines: [],
    exited: new Promise<void>((resolve, reject) => {
      child.on('exit', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`${name} exited with ${code ?? signal}: ${stderr.trim().slice(-2000)}`)),
      );
      child.on('error', reject);
    }),
    go: () => child.stdin!.write('go\n'),
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') return markReady();
    handle.lines.push(line);
    handle.onLine?.(line);
  });
  // A child that dies before it is ready must not leave the benchmark waiting forever.
  handle.exited.catch(() => markReady());
  return handle;
}
