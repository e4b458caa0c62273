import { status } from '../../app/status.js';
import type { CliSpec } from '../bridge.js';

/** `cairn status` on the command line: its own module, so the command can have a bundle of its own. */
export const statusCommand: CliSpec<any> = {
    op: status,
    options: [{ flags: '--limit <n>', key: 'limit', description: 'items per list (default 10)', int: true }],
  };
