import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { appOver, type App } from '../../src/app/app.js';
import { readServerSentEvents, type ServerSentEvent } from '../../src/client/sse.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/start.js';
import { TokenStore } from '../../src/server/tokens.js';
import { openStore } from '../../src/store/open.js';
import { cairn, tempDir, type CairnResult, type RunOptions } from '../cli/run.js';

/** A real server on a free loopback port, over a fresh SQLite log that the CLI can also open. */
export interface TestServer extends RunningServer {
  dir: string;
  store: string;
  cacheDir: string;
  app: App;
  /** Runs the CLI against this server (CAIRN_URL), with its own credentials directory. */
  remote(args: string[], options?: RunOptions & { home?: string }): Promise<CairnResult>;
  /** Runs the CLI on the store directly. */
  local(args: string[], options?: RunOptions): Promise<CairnResult>;
  /** fetch relative to the server. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** What a test may set of the server's safety: who joins, who reads, limits, TLS. */
export type ServerOptions = Partial<Pick<StartOptions, 'policy' | 'maxConnections' | 'tls' | 'webhooks'>>;

export async function testServer(options: ServerOptions = {}): Promise<TestServer> {
  const dir = tempDir('cairn-server-');
  const store = join(dir, '.cairn', 'log.db');
  mkdirSync(dirname(store), { recursive: true });
  const opened = await openStore(store, { create: true });
  const app = appOver(opened.store, { cacheDir: opened.cacheDir, describe: opened.describe });
  const server = await startServer({ app, tokens: TokenStore.forCacheDir(opened.cacheDir), host: '127.0.0.1', port: 0, log: () => undefined, ...options });
  const home = join(dir, 'config');
  return {
    ...server,
    dir,
    store,
    cacheDir: opened.cacheDir!,
    app,
    remote: (args, options = {}) =>
      cairn(args, { ...options, cwd: tempDir('cairn-elsewhere-'), env: { CAIRN_URL: server.url, CAIRN_TOKEN: undefined, XDG_CONFIG_HOME: options.home ?? home, ...options.env } }),
    local: (args, options = {}) => cairn(args, { ...options, env: { CAIRN_STORE: store, CAIRN_URL: undefined, CAIRN_TOKEN: undefined, ...options.env } }),
    fetch: (path, init) => fetch(`${server.url}${path}`, init),
    async stop() {
      await server.close();
      await app.close();
    },
  };
}

export const json = (body: unknown, token?: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
  body: JSON.stringify(body),
});

/** Joins over HTTP and returns the issued token. */
export async function joinAs(server: TestServer, instanceId: string, role: string): Promise<string> {
  const response = await server.fetch('/api/join', json({ instanceId, role }));
  const body = (await response.json()) as { token?: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return body.token!;
}

/** Reads `count` events from an open SSE response, then stops reading it. */
export async function take(response: Response, count: number, timeoutMs = 15_000): Promise<ServerSentEvent[]> {
  const got: ServerSentEvent[] = [];
  const reader = readServerSentEvents(response.body!);
  const deadline = setTimeout(() => void response.body!.cancel().catch(() => undefined), timeoutMs);
  try {
    for await (const event of reader) {
      if (event.event !== 'message') continue;
      got.push(event);
      if (got.length >= count) break;
    }
  } finally {
    clearTimeout(deadline);
  }
  return got;
}
