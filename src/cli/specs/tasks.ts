import { tasks } from '../../app/reads.js';
import type { CliSpec } from '../bridge.js';
import { PAGING } from './options.js';

/** `cairn tasks` on the command line: its own module, so the command can have a bundle of its own. */
export const tasksCommand: CliSpec<any> = {
    op: tasks,
    options: [
      { flags: '--status <status>', key: 'status', description: 'open, claimed, completed or abandoned' },
      { flags: '--all', key: 'all', description: 'every task, completed and abandoned too, without a limit' },
      { flags: '--owner <instance>', key: 'owner', description: 'only tasks this instance holds' },
      ...PAGING,
    ],
  };
