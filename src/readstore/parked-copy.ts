import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stillHolds, type EventStore } from '../store/port.js';
import { PastTables } from './past-tables.js';
import { EVERY_PART, type TablePart } from './table-parts.js';

/**
 * Scratch tables left for the next process: a `cairn replay` folds the log from its first
 * event (40 s a month in), and an analyst's next replay, a little later in the log, would
 * fold it all again; a server's live chart would fold it again after each restart. A process
 * that ends leaves its copy here, under the log's cache directory, with what its owner needs
 * to go on (`extra`), and the next takes it over if it is a copy of this log. One copy per
 * name at most: the latest left wins.
 */

/** A kind of copy left: a replay's (`past`), or a live chart's. */
export type ParkedName = string;

/** The copy left, waiting: no process id in its name, so nobody's orphan. */
const parkedDir = (name: ParkedName) => `cairn-${name}-parked`;
const ABOUT = 'parked.json';

interface About {
  parts: TablePart[];
  last: { id: string; streamName: string; revision: string; position: string };
  extra?: unknown;
}

/** Leaves `past` (standing at a position of the log) for the next process, with `extra` (JSON); closes it either way. */
export function park(past: PastTables, under: string, name: ParkedName = 'past', extra?: unknown): void {
  const last = past.last;
  if (last === undefined || last.position !== past.tables.watermark()) return past.close();
  past.closeTables();
  const about: About = { parts: [...past.parts], last: { id: last.id, streamName: last.streamName, revision: String(last.revision), position: String(last.position) }, extra };
  try {
    writeFileSync(join(past.dir, ABOUT), JSON.stringify(about));
    const target = join(under, parkedDir(name));
    rmSync(target, { recursive: true, force: true }); // an older copy: this one is later in the analyst's work
    renameSync(past.dir, target);
  } catch {
    rmSync(past.dir, { recursive: true, force: true }); // another process parked at the same moment: its copy stays
  }
}

/**
 * Takes over the copy of `name` a process left under `under`, if it was folded from this
 * log: its last event is still where it was. Anything else is removed. Claimed by renaming
 * it to a name with this process's id, so of processes starting at once one gets it, and a
 * process killed while holding it leaves an orphan the next removes (past-tables.ts).
 */
export async function takeParked(store: EventStore, under: string, name: ParkedName = 'past'): Promise<{ past: PastTables; extra: unknown } | undefined> {
  const claimed = join(under, `cairn-past-${process.pid}-${name}-parked`);
  try {
    renameSync(join(under, parkedDir(name)), claimed);
  } catch {
    return undefined; // none, or another process took it
  }
  try {
    const about = JSON.parse(readFileSync(join(claimed, ABOUT), 'utf8')) as About;
    const last = { id: about.last.id, streamName: about.last.streamName, revision: BigInt(about.last.revision), position: BigInt(about.last.position) };
    if (!(await stillHolds(store, last)) || !about.parts.every((part) => EVERY_PART.includes(part))) throw new Error('not a copy of this log');
    rmSync(join(claimed, ABOUT));
    const past = PastTables.adopt(claimed, about.parts, last);
    if (past.position === last.position) return { past, extra: about.extra };
    past.close();
    return undefined;
  } catch {
    rmSync(claimed, { recursive: true, force: true });
    return undefined;
  }
}
