import type { Command } from 'commander';
import type { GlobalOptions } from './context.js';
import type { ServeOptions } from './serve-run.js';

/** `cairn serve`: the HTTP API, the event stream and the dashboard. The server loads only when run. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API, a server-sent-events stream of the log and the read-only dashboard')
    .option('--port <port>', 'port to listen on (default 4747; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1: this machine only)')
    .option('--demo', 'when there is no log or it is empty, seed a short demo session into .cairn/ first')
    .option('--join-secret-file <file>', 'file holding the secret a first join over HTTP must present (else CAIRN_JOIN_SECRET; generated and printed once when exposed)')
    .option('--restrict-roles <roles>', 'roles a join over HTTP takes only with an invitation (comma-separated, or "none"; default coordinator)')
    .option('--read-auth', 'every read needs a token (the default when reachable from other machines)')
    .option('--no-read-auth', 'reads need no token, even when reachable from other machines')
    .option('--rate-limit <n>', 'requests per minute per token, per address without one (0: no limit; default 1200 when exposed, none on loopback)')
    .option('--max-connections <n>', 'connections at once; each event stream holds one (default 256)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM), with --tls-key')
    .option('--tls-key <file>', 'the private key (PEM) of --tls-cert')
    .option('--public-url <url>', 'the https:// address of a TLS proxy in front of this server (docs/deploy.md)')
    .option('--insecure', 'allow plain HTTP on a non-loopback address, on a network you trust')
    .option('--webhook <url>', 'POST a signed JSON here when chosen things happen (repeat for several URLs)', (url: string, previous: string[] = []) => [...previous, url])
    .option('--webhook-events <kinds>', 'what to POST: message (to a role or all), convergence, health (comma-separated; default all three)')
    .option('--webhook-secret-file <file>', 'file holding the secret deliveries are signed with (else CAIRN_WEBHOOK_SECRET)')
    .action(async (options: ServeOptions, command: Command) => (await import('./serve-run.js')).serve(options, command.optsWithGlobals<GlobalOptions>()));
}
