import { randomUuid } from './random.js';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeJson } from './json.js';
import { reviveState } from './state.js';

/** A projection's state saved after folding the log up to `position`. */
export interface Checkpoint<S = unknown> {
  name: string;
  version: number;
  position: bigint;
  /** Id of the first event of the log it was folded from: a checkpoint of another log is useless. */
  logId: string;
  /** Latest `at` (epoch ms) among the folded events, so replay to a time knows whether it may start here. */
  maxAt: number | null;
  /**
   * The event at `position`, to find it again in the log: a log restored from a backup that
   * shares the first event but diverged later no longer holds it there.
   */
  last: LastEvent | null;
  state: S;
}

export interface LastEvent {
  id: string;
  streamName: string;
  revision: bigint;
}

const SAFE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * Checkpoints in a cache directory, one `<name>.json` per projection. Purely a cache: the
 * log can always rebuild them, so anything unreadable is ignored rather than fatal, and a
 * failed save only costs a longer catch-up next time.
 */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  fileOf(name: string): string | undefined {
    return SAFE_NAME.test(name) ? join(this.dir, `${name}.json`) : undefined;
  }

  /** The checkpoint of exactly this projection version over this log, if one is stored and readable. */
  async load(projection: { name: string; version: number }, logId: string): Promise<Checkpoint | undefined> {
    const file = this.fileOf(projection.name);
    if (!file) return undefined;
    try {
      const checkpoint = reviveState(JSON.parse(await readFile(file, 'utf8'))) as Partial<Checkpoint>;
      const valid =
        checkpoint.name === projection.name &&
        checkpoint.version === projection.version &&
        checkpoint.logId === logId &&
        typeof checkpoint.position === 'bigint' &&
        (checkpoint.maxAt === null || typeof checkpoint.maxAt === 'number') &&
        (checkpoint.last === null || (typeof checkpoint.last === 'object' && typeof checkpoint.last?.id === 'string' && typeof checkpoint.last.revision === 'bigint')) &&
        'state' in checkpoint;
      return valid ? (checkpoint as Checkpoint) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Writes a temporary file and renames it over the old one: rename is atomic, so a
   * concurrent reader sees the old checkpoint or the new one, never half of one. Returns
   * whether it was saved.
   */
  async save(checkpoint: Checkpoint): Promise<boolean> {
    const file = this.fileOf(checkpoint.name);
    if (!file) return false;
    const temporary = `${file}.${process.pid}.${randomUuid()}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temporary, encodeJson(checkpoint));
      await rename(temporary, file);
      return true;
    } catch {
      await rm(temporary, { force: true }).catch(() => undefined);
      return false;
    }
  }
}
