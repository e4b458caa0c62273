import type { Operation } from './operation.js';
import { join } from './join.js';
import { leave } from './instance-commands.js';
import { abandon, claim, complete, propose, release, renew } from './task-commands.js';
import { ask, closeQuestion } from './questions.js';
import { find, say, synthesize } from './record-commands.js';
import { activity, findings, questions, tasks } from './reads.js';
import { inbox } from './inbox.js';
import { sync } from './sync.js';
import { status } from './status.js';
import { wait } from './wait.js';
import { replay } from './replay.js';
import { log } from './log.js';
import { advise, convergence, health } from './signals.js';
import { judge } from './judge.js';
import { hook } from './hook.js';
import { search } from './search.js';

/** Every operation, by name: what the HTTP API and the MCP server expose. */
export const OPERATIONS: readonly Operation[] = [
  join, leave, propose, claim, renew, release, complete, abandon, tasks, ask, closeQuestion, questions,
  find, findings, say, inbox, sync, synthesize, wait, status, activity, replay, log, convergence, judge, health, advise, hook, search,
];

export const operationNamed = (name: string): Operation | undefined => OPERATIONS.find((op) => op.name === name);
