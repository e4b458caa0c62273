import type { Command } from 'commander';
import { identityOf, storeUrlOf, type GlobalOptions } from './context.js';
import { printJson, printLine } from './output.js';

/**
 * `cairn invite --role ROLE --as ID`: a one-time code that admits one agent to a server over
 * HTTP with that role (the only way to take a restricted role, coordinator by default, from
 * another machine). Issued where the store is, recorded in the log, shown once.
 */
export function registerInvite(program: Command): void {
  program
    .command('invite')
    .description('Issue a one-time invitation to join over HTTP with a role (recorded in the log); needs direct access to the store, not CAIRN_URL')
    .requiredOption('--role <role>', 'the role the invited agent joins with')
    .option('--for <id>', 'only this instance id may use it')
    .option('--expires <duration>', 'how long it stays valid, like 2h or 3d (default 1d, at most 7d)')
    .action(async (options: { role: string; for?: string; expires?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const [{ parseOrThrow }, { inviteInput, invite }, { openApp }] = await Promise.all([import('../../events/index.js'), import('../app/invitations.js'), import('../app/app.js')]);
      const input = parseOrThrow(inviteInput(), { role: options.role, for: options.for, expires: options.expires });
      const app = await openApp(storeUrlOf(globals));
      try {
        const invitation = await invite(app, input, { instanceId: identityOf(globals) });
        if (globals.json) printJson(invitation);
        else {
          printLine(
            [
              `invitation ${invitation.invitationId}: joins once as ${invitation.role}${invitation.for ? ` (only as ${invitation.for})` : ''}, until ${invitation.expiresAt}`,
              `code (shown only now): ${invitation.code}`,
              `the agent joins with: CAIRN_JOIN_SECRET=${invitation.code} cairn join --role ${invitation.role} --as ${invitation.for ?? 'ID'}`,
            ].join('\n'),
          );
        }
      } finally {
        await app.close();
      }
    });
}
