import type { Command } from 'commander';
import type { GlobalOptions } from './context.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  demo?: boolean;
}

/** `cairn serve`: the HTTP API, the event stream and the dashboard. The server loads only when run. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API, a server-sent-events stream of the log and the read-only dashboard')
    .option('--port <port>', 'port to listen on (default 4747; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1: this machine only)')
    .option('--demo', 'when there is no log or it is empty, seed a short demo session into .cairn/ first')
    .action(async (options: ServeOptions, command: Command) => (await import('./serve-run.js')).serve(options, command.optsWithGlobals<GlobalOptions>()));
}
