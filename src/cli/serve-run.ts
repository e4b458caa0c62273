import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { appOver } from '../app/app.js';
import { StoreUnavailableError, ValidationError } from '../errors.js';
import { startServer, DEFAULT_HOST, DEFAULT_PORT } from '../server/start.js';
import { TokenStore } from '../server/tokens.js';
import { defaultStorePath } from '../store/locate.js';
import { openStore, parseStoreUrl } from '../store/open.js';
import { storeUrlOf, type GlobalOptions } from './context.js';
import { seedDemo } from './demo-seed.js';
import { printJson, printLine } from './output.js';
import { serveSecurity, type SecurityOptions } from './serve-policy.js';
import { webhookOptions, type WebhookFlags } from './serve-webhooks.js';

export interface ServeOptions extends SecurityOptions, WebhookFlags {
  port?: string;
  host?: string;
  demo?: boolean;
}

function portOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65_535) throw new ValidationError([{ field: '--port', reason: 'must be a port number from 0 to 65535' }]);
  return Number(raw);
}

/**
 * The log to serve: the usual one. With --demo it is created when missing: at --store or
 * CAIRN_STORE when given, else as .cairn/log.db here.
 */
function storeFor(options: ServeOptions, globals: GlobalOptions): { url: string; create: boolean } {
  let url: string;
  try {
    url = storeUrlOf(globals);
  } catch (error) {
    if (!(options.demo && error instanceof StoreUnavailableError)) throw error;
    url = defaultStorePath(process.cwd());
  }
  if (!options.demo) return { url, create: false };
  const location = parseStoreUrl(url);
  if (location.kind === 'sqlite') mkdirSync(dirname(location.path), { recursive: true });
  return { url, create: true };
}

export async function serve(options: ServeOptions, globals: GlobalOptions): Promise<void> {
  const port = portOf(options.port);
  const host = options.host ?? DEFAULT_HOST;
  const security = serveSecurity(host, options);
  const webhooks = webhookOptions(options);
  const { url, create } = storeFor(options, globals);
  const { store, cacheDir, describe } = await openStore(url, { create });
  const app = appOver(store, { cacheDir, describe });
  try {
    const seeded = options.demo && (await store.headPosition()) === 0n ? await seedDemo(store) : 0;
    // Listening before anything is printed: whoever reads the first line may stop it at once.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const log = (line: string) => process.stderr.write(`cairn: ${line}\n`);
    const server = await startServer({ app, tokens: TokenStore.forCacheDir(cacheDir), host, port, policy: security.policy, tls: security.tls, maxConnections: security.maxConnections, ...(webhooks ? { webhooks: { ...webhooks, log } } : {}) });
    const secret = security.generatedSecret;
    if (globals.json) printJson({ url: server.url, store: describe, seeded, ...(secret ? { joinSecret: secret } : {}), readAuth: security.policy.readAuth });
    else {
      if (seeded > 0) printLine(`seeded a demo session (${seeded} events) into ${describe}`);
      printLine(
        [
          `cairn is serving ${describe}`,
          `  dashboard  ${server.url}/`,
          `  API        ${server.url}/api/ops`,
          `  events     ${server.url}/api/events`,
          `agents elsewhere: CAIRN_URL=${server.url}${security.policy.joinSecretSha256 ? ' CAIRN_JOIN_SECRET=…' : ''} cairn join --as ID --role ROLE`,
          ...(secret ? [`join secret, generated for this run and shown only now: ${secret}`, '  (set CAIRN_JOIN_SECRET or --join-secret-file to keep one across restarts)'] : []),
          ...(webhooks ? [`webhooks    ${webhooks.kinds.join(', ')} to ${webhooks.urls.join(', ')}, signed (X-Cairn-Signature)`] : []),
          ...(security.policy.readAuth ? ['reads need a token: an instance\'s, or a reader\'s from `cairn token --reader NAME` (the dashboard asks for one)'] : []),
        ].join('\n'),
      );
    }
    if (security.exposed && !security.policy.readAuth) {
      process.stderr.write(`cairn: --no-read-auth: anyone who can reach ${server.url} can read the log and watch the dashboard (writes still need a token)\n`);
    }
    await stopped;
    await server.close();
  } finally {
    await app.close();
  }
}
