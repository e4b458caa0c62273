import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeJson } from './json.js';
import { reviveState } from './state.js';

/** A stream's state as of one of its events, kept so that a long stream is not read whole for every command. */
export interface Snapshot<S = unknown> {
  state: S;
  revision: bigint;
  /** The event at `revision`, to know the stream again: another log holds another one there. */
  id: string;
  position: bigint;
}

/** Where snapshots are kept (a cache: losing one costs a longer read, never an answer). */
export interface SnapshotStore {
  load(streamName: string): Promise<Snapshot | undefined>;
  save(streamName: string, snapshot: Snapshot): Promise<void>;
}

/**
 * Bump when a decider's state changes shape: snapshots of another version are not read. The
 * snapshot is only ever a shortcut, so any doubt means reading the stream whole.
 */
export const SNAPSHOT_VERSION = 1;

interface Stored extends Snapshot {
  version: number;
  stream: string;
}

/** Temporary files this process wrote, to name the next. */
let written = 0;

/**
 * Snapshots of streams in a cache directory, one file per stream. Written to a temporary file
 * and renamed, so a reader sees the old one or the new one; unreadable or foreign ones are
 * ignored. Synchronous, with node:fs alone: every write of an agent loads one, and the CLI
 * loads no module it can do without (tests/startup/bundle.test.ts).
 */
export class FileSnapshots implements SnapshotStore {
  constructor(private readonly dir: string) {}

  /** Stream names hold ids agents chose, of letters, digits and `._:-`: `:` is escaped for filesystems that refuse it. */
  private fileOf(streamName: string): string {
    return join(this.dir, `${encodeURIComponent(streamName)}.json`);
  }

  async load(streamName: string): Promise<Snapshot | undefined> {
    try {
      const stored = reviveState(JSON.parse(readFileSync(this.fileOf(streamName), 'utf8'))) as Partial<Stored>;
      const valid = stored.version === SNAPSHOT_VERSION && stored.stream === streamName && typeof stored.revision === 'bigint' && typeof stored.position === 'bigint' && typeof stored.id === 'string' && 'state' in stored;
      return valid ? { state: stored.state, revision: stored.revision!, id: stored.id!, position: stored.position! } : undefined;
    } catch {
      return undefined;
    }
  }

  async save(streamName: string, snapshot: Snapshot): Promise<void> {
    const file = this.fileOf(streamName);
    const temporary = `${file}.${process.pid}.${++written}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temporary, encodeJson({ version: SNAPSHOT_VERSION, stream: streamName, ...snapshot } satisfies Stored));
      renameSync(temporary, file);
    } catch {
      // A cache: a snapshot not kept costs a longer read next time, and must never fail a write.
      try {
        rmSync(temporary, { force: true });
      } catch {
        // nothing left to clean, or no way to
      }
    }
  }
}
