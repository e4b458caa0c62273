import { claim } from '../../app/task-commands.js';
import type { CliSpec } from '../bridge.js';
import { LEASE } from './options.js';

/** `cairn claim` on the command line: its own module, so the command can have a bundle of its own. */
export const claimCommand: CliSpec<any> = { op: claim, args: [{ key: 'task', label: 'task' }], options: [LEASE] };
