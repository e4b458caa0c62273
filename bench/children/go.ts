import { createInterface } from 'node:readline';

/** Children of a benchmark start together: each says "ready" and waits for "go" on stdin. */
export async function readyThenGo(): Promise<void> {
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === 'go') {
      lines.close();
      return;
    }
  }
}

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes. */
export const epochMs = (): number => performance.timeOrigin + performance.now();
