import { inbox } from '../../app/inbox.js';
import type { CliSpec } from '../bridge.js';
import { PAGING } from './options.js';

/** `cairn inbox` on the command line: its own module, so the command can have a bundle of its own. */
export const inboxCommand: CliSpec<any> = {
    op: inbox,
    options: [
      { flags: '--all', key: 'all', description: 'every message, read ones too, newest first, without a limit' },
      { flags: '--mark-read', key: 'markRead', description: 'advance your read cursor past the messages shown' },
      ...PAGING,
    ],
  };
