import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../errors.js';
import { matchesPrefixes } from '../store/shared.js';
import type { AppendResult, EventStore, ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from '../store/port.js';
import { errorFromResponse, type RemoteClient } from './remote.js';
import { readServerSentEvents } from './sse.js';

interface WireEvent {
  id?: string;
  type: string;
  streamName: string;
  revision: string;
  position: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> & { eventId?: string };
}

/** An event as the server sends it (an export line or an SSE data field), back in the port's shape. */
function recordedOf(wire: WireEvent): RecordedEvent {
  return {
    id: wire.id ?? String(wire.metadata.eventId),
    type: wire.type,
    streamName: wire.streamName,
    revision: BigInt(wire.revision),
    position: BigInt(wire.position),
    data: wire.data,
    metadata: wire.metadata,
  };
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim() !== '') yield line;
    }
  }
  if (buffer.trim() !== '') yield buffer;
}

/**
 * The log of a cairn server, read over HTTP, so the commands that read the log itself (`log`,
 * `log --follow`, `export`) work unchanged against CAIRN_URL. It is read-only: a server takes
 * writes only through its operations, as the instance a token names.
 */
export class RemoteEventStore implements EventStore {
  private readonly open = new Set<AbortController>();

  constructor(private readonly client: RemoteClient) {}

  private refuse(what: string): DomainError {
    return new DomainError(`${this.client.url} is a remote cairn: it cannot ${what} over HTTP (run this where the store is, without CAIRN_URL)`, 'remote_unsupported');
  }

  async append(): Promise<AppendResult> {
    throw this.refuse('append events directly');
  }

  async *readStream(): AsyncGenerator<RecordedEvent> {
    throw this.refuse('read one stream');
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    if (options.direction === 'backwards' || options.before !== undefined) throw this.refuse('read the log backwards');
    const prefixes = options.streamPrefixes ?? [];
    const query = new URLSearchParams();
    if (options.after !== undefined) query.set('after', String(options.after));
    if (prefixes.length === 1) query.set('prefix', prefixes[0]!);
    const stop = new AbortController();
    const response = await this.client.open(`/api/export?${query}`, 'application/x-ndjson', stop.signal);
    let count = 0;
    try {
      for await (const line of lines(response.body!)) {
        const json = JSON.parse(line) as WireEvent | { ok: false };
        if ('ok' in json) throw errorFromResponse(503, json);
        if (!matchesPrefixes(json.streamName, prefixes)) continue;
        yield recordedOf(json);
        if (options.maxCount !== undefined && ++count >= options.maxCount) return;
      }
    } finally {
      stop.abort();
    }
  }

  /** Server-sent events from a position; a dropped connection resumes with Last-Event-ID, so nothing is missed or repeated. */
  subscribe(options: SubscribeOptions = {}): Subscription {
    const stop = new AbortController();
    this.open.add(stop);
    const abort = () => stop.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) stop.abort();
    const client = this.client;
    const release = () => {
      this.open.delete(stop);
      options.signal?.removeEventListener('abort', abort);
    };
    async function* run(): AsyncGenerator<RecordedEvent> {
      let after = options.after ?? 0n;
      let connected = false;
      let fatal = false;
      try {
        while (!stop.signal.aborted) {
          try {
            const response = await client.open(`/api/events?after=${after}`, 'text/event-stream', stop.signal, { 'Last-Event-ID': String(after) });
            connected = true;
            for await (const message of readServerSentEvents(response.body!)) {
              if (message.event === 'error') {
                fatal = true;
                throw errorFromResponse(503, JSON.parse(message.data));
              }
              if (message.event !== 'message') continue;
              const recorded = recordedOf(JSON.parse(message.data) as WireEvent);
              after = recorded.position;
              if (matchesPrefixes(recorded.streamName, options.streamPrefixes)) yield recorded;
            }
          } catch (error) {
            if (stop.signal.aborted) return;
            // The first connection must work; later drops are retried from the last position.
            if (!connected || fatal) throw error;
          }
          await sleep(1_000, undefined, { signal: stop.signal }).catch(() => undefined);
        }
      } finally {
        release();
      }
    }
    const iterator = run();
    return {
      [Symbol.asyncIterator]: () => iterator,
      async close() {
        stop.abort();
        await iterator.return(undefined);
      },
    };
  }

  async headPosition(): Promise<bigint> {
    const { position } = (await this.client.request('GET', '/api/head')) as { position: string };
    return BigInt(position);
  }

  async close(): Promise<void> {
    for (const stop of this.open) stop.abort();
  }
}
