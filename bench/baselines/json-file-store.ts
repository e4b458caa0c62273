import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The baseline cairn replaces: the philosophy's shared_messages.json, as its tools used it.
 * Every post reads the whole file, parses it, appends one message, serialises everything
 * and writes the whole file back. Nothing serialises concurrent writers, so two agents
 * posting at once can each read the same old list and one of the two messages is lost.
 *
 * One concession, the most charitable reading of those tools: a read that catches another
 * writer's half-written file (a parse error) is retried for a while rather than treated as
 * an empty board. Two writers truncating and writing the same file at once can also leave it
 * permanently unparseable (one's tail after the other's end): then every later post fails.
 */
export interface JsonMessage {
  id: string;
  from: string;
  to: string;
  content: string;
  timestamp: string;
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
/** How long a reader keeps retrying a file that does not parse before calling it corrupt. */
const RETRIES = 200;

export interface Board {
  messages: JsonMessage[];
  /** Reads that caught a half-written file and were retried. */
  tornReads: number;
  /** The file never parsed: concurrent writers interleaved their writes and broke it. */
  corrupt: boolean;
}

export function readMessages(file: string): Board {
  for (let tornReads = 0; ; tornReads++) {
    if (!existsSync(file)) return { messages: [], tornReads, corrupt: false };
    const text = readFileSync(file, 'utf8');
    try {
      const parsed = JSON.parse(text) as { messages?: JsonMessage[] };
      return { messages: parsed.messages ?? [], tornReads, corrupt: false };
    } catch {
      if (tornReads >= RETRIES) return { messages: [], tornReads, corrupt: true };
      Atomics.wait(PAUSE, 0, 0, 1); // another writer may be half-way through: look again shortly
    }
  }
}

/**
 * Posts one message. Returns whether it was written: on a corrupt board the tools crashed
 * (json.load raised), and the message was lost.
 */
export function postMessage(file: string, message: Omit<JsonMessage, 'id' | 'timestamp'>): { written: boolean; tornReads: number } {
  const { messages, tornReads, corrupt } = readMessages(file);
  if (corrupt) return { written: false, tornReads };
  messages.push({ id: `msg-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, ...message, timestamp: new Date().toISOString() });
  writeFileSync(file, JSON.stringify({ messages }, null, 2));
  return { written: true, tornReads };
}

/** Writes `count` messages at once, to prepare a board of a given size. */
export function seedMessages(file: string, count: number, body: (i: number) => string = (i) => `update ${i}`): void {
  const messages: JsonMessage[] = Array.from({ length: count }, (_, i) => ({
    id: `msg-seed-${i}`,
    from: `agent-${i % 4}`,
    to: 'all',
    content: body(i),
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  }));
  writeFileSync(file, JSON.stringify({ messages }, null, 2));
}
