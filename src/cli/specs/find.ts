import { find } from '../../app/record-commands.js';
import type { CliSpec } from '../bridge.js';
import { ANSWERS, ID, TAGS } from './options.js';

/** `cairn find` on the command line: its own module, so the command can have a bundle of its own. */
export const findCommand: CliSpec<any> = {
    op: find,
    args: [{ key: 'summary', label: 'summary', rest: true }],
    options: [
      { flags: '--topic <topic>', key: 'topic', description: 'what it is about' },
      TAGS,
      { flags: '--cites <finding>', key: 'cites', description: 'a finding this builds on (repeat or comma-separate)', list: true },
      ANSWERS,
      ID('finding'),
    ],
  };
