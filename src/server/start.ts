import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { serve } from '@hono/node-server';
import type { App } from '../app/app.js';
import { ValidationError } from '../errors.js';
import { isLoopback } from './host-guard.js';
import { buildServerApp } from './app.js';
import type { AccessPolicy } from './policy.js';
import type { TokenStore } from './tokens.js';
import { startWebhooks, type WebhookOptions } from './webhooks.js';

export const DEFAULT_PORT = 4747;
/** Loopback unless told otherwise: the dashboard and reads need no token. */
export const DEFAULT_HOST = '127.0.0.1';

export interface RunningServer {
  url: string;
  port: number;
  /** Event streams open now: each ends when its client goes away. */
  openStreams(): number;
  close(): Promise<void>;
}

export interface StartOptions {
  app: App;
  tokens: TokenStore;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  log?: (line: string) => void;
  /** Who may join and read; open (as on loopback) when not given. */
  policy?: AccessPolicy;
  /** Served over HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /** Connections at once; more are closed as they arrive. An event stream holds one for as long as it runs. */
  maxConnections?: number;
  /** POST chosen news to these URLs (webhooks.ts). */
  webhooks?: WebhookOptions;
}

/** Enough for a team of agents, each with an event stream and a few requests in flight. */
export const DEFAULT_MAX_CONNECTIONS = 256;
/** A client must send its request line and headers within this: a slow trickle cannot hold a connection. */
const HEADERS_TIMEOUT_MS = 10_000;

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const { hono, live, closeMcp, closeViews } = buildServerApp(options.app, options.tokens, { log: options.log, loopbackOnly: isLoopback(host), policy: options.policy });
  const listen = { fetch: hono.fetch, hostname: host, port: options.port ?? DEFAULT_PORT };
  const server = (options.tls ? serve({ ...listen, createServer: createTlsServer, serverOptions: options.tls }) : serve(listen)) as Server;
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const reason = error.code === 'EADDRINUSE' ? `${options.port} is already in use on ${host}` : error.code === 'EADDRNOTAVAIL' ? `${host} is not an address of this machine` : error.message;
      reject(new ValidationError([{ field: error.code === 'EADDRNOTAVAIL' ? '--host' : '--port', reason }]));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
  });
  const webhooks = options.webhooks ? startWebhooks(options.app, { log: options.log, ...options.webhooks }) : undefined;
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    port,
    openStreams: () => live.size,
    async close() {
      await webhooks?.stop();
      for (const stream of live) stream.abort();
      await closeMcp();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams and keep-alive sockets would hold close() open forever.
        server.closeAllConnections();
      });
      await closeViews();
    },
  };
}
