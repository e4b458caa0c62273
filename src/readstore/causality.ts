import type Database from 'better-sqlite3';
import { lazily } from '../runtime/lazily.js';
import { ANONYMOUS, type StoredEvent } from '../../events/index.js';
import { CARRIES, citedBy, FLOOR, referencesOf, shownBy, type Carrier, type Why } from '../../projections/causality.js';

/**
 * Happens-before in tables: the fold of projections/causality.ts, row by row, so a read asks
 * about the few streams it shows instead of loading every clock of a month of work. Each
 * instance's current clock is a row per author (`clock`); every raise is kept with why
 * (`raises`), so a clock can be read as of any past position. tests/readstore pins that
 * both give the same answers.
 */

interface Entry {
  upTo: bigint;
  at: bigint;
}


export class CausalityTables {
  /** Clocks read in this transaction: every receive asks several entries of the same few instances. */
  private readonly clocks = new Map<string, Map<string, Entry>>();
  private readonly s;

  constructor(db: Database.Database) {
    const prepare = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.s = lazily({
      clockOf: () => prepare(`SELECT author, up_to, at FROM clock WHERE instance = ?`),
      setClock: () => prepare(`INSERT INTO clock (instance, author, up_to, at) VALUES (?, ?, ?, ?) ON CONFLICT (instance, author) DO UPDATE SET up_to = excluded.up_to, at = excluded.at`),
      raise: () => prepare(`INSERT INTO raises (instance, author, at, up_to, kind, via, stream, carrier, carrier_author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (instance, author, at, up_to) DO NOTHING`),
      valueAt: () => prepare(`SELECT up_to FROM raises WHERE instance = ? AND author = ? AND at <= ? ORDER BY at DESC, up_to DESC LIMIT 1`).pluck(),
      carriers: () => prepare(`SELECT position, author FROM carriers WHERE stream = ? ORDER BY position`),
      carrier: () => prepare(`INSERT OR IGNORE INTO carriers (stream, position, author) VALUES (?, ?, ?)`),
      lastCarrier: () => prepare(`INSERT INTO meta (key, value) VALUES ('last_carrier', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      anonymousStream: () => prepare(`INSERT OR IGNORE INTO anonymous_streams (stream, at, via) VALUES (?, ?, ?)`),
      anonymousEverything: () => prepare(`INSERT INTO anonymous_everything (at, up_to, via) SELECT ?, ?, ? WHERE ? > coalesce((SELECT max(up_to) FROM anonymous_everything), 0)`),
    });
  }

  /** Clock entries raised in this transaction, written at its end. */
  private readonly dirty = new Map<string, Set<string>>();
  private lastCarrier: bigint | undefined;
  /** Each stream's content events read in these transactions, oldest first: reads and cites return to the same streams. */
  private readonly carriers = new Map<string, Carrier[]>();
  /**
   * Clock entries as they stood when a content event was written (`learn`), by its author,
   * the entry's author and its position: every reader of the same event asks the same, and
   * the answer, made of raises before it, never changes.
   */
  private readonly pastEntries = new Map<string, bigint>();

  /** Forgets cached clocks: another process may have caught the tables up since. */
  reset(): void {
    this.clocks.clear();
    this.carriers.clear();
    this.pastEntries.clear();
    this.dirty.clear();
    this.lastCarrier = undefined;
  }

  /** Writes the clock entries raised and the newest carrier: once per transaction, not per raise. */
  finish(): void {
    for (const [instance, authors] of this.dirty) {
      const clock = this.clockOf(instance);
      for (const author of authors) {
        const entry = clock.get(author)!;
        this.s.setClock.run(instance, author, entry.upTo, entry.at);
      }
    }
    this.dirty.clear();
    if (this.lastCarrier !== undefined) this.s.lastCarrier.run(String(this.lastCarrier));
  }

  private clockOf(instance: string): Map<string, Entry> {
    let clock = this.clocks.get(instance);
    if (!clock) {
      clock = new Map();
      for (const row of this.s.clockOf.all(instance) as { author: string; up_to: bigint; at: bigint }[]) clock.set(row.author, { upTo: row.up_to, at: row.at });
      this.clocks.set(instance, clock);
    }
    return clock;
  }

  private knownUpTo(instance: string, author: string): bigint {
    const clock = this.clockOf(instance);
    const floor = clock.get(FLOOR)?.upTo ?? 0n;
    if (author === FLOOR) return floor;
    const entry = clock.get(author)?.upTo ?? 0n;
    return entry > floor ? entry : floor;
  }

  /** Did the event at `position` by `author` happen before whatever `instance` does next? */
  knows(instance: string, author: string, position: bigint): boolean {
    return instance === author || this.knownUpTo(instance, author) >= position;
  }

  private raise(instance: string, author: string, upTo: bigint, at: bigint, why: Why): void {
    if (author === instance || upTo <= this.knownUpTo(instance, author)) return;
    this.clockOf(instance).set(author, { upTo, at });
    let authors = this.dirty.get(instance);
    if (!authors) this.dirty.set(instance, (authors = new Set()));
    authors.add(author);
    const read = why.kind === 'shown' || why.kind === 'cites' ? why : undefined;
    const via = why.kind === 'shown' || why.kind === 'everything' ? why.via : null;
    this.s.raise.run(instance, author, at, upTo, why.kind, via, read?.stream ?? null, read?.carrier ?? null, read?.author ?? null);
  }

  /** `reader` takes in one content event: its author's work up to it, and all its author knew then. */
  private receive(reader: string, carrier: Carrier, at: bigint, why: Why): void {
    this.raise(reader, carrier.author, carrier.position, at, why);
    // The fold's order, the floor last (projections/causality.ts says why), so the raises kept
    // never depend on where a batch began.
    const theirs = this.clockOf(carrier.author);
    for (const [author, entry] of theirs) if (author !== FLOOR) this.learn(reader, carrier, author, entry, at, why);
    const floor = theirs.get(FLOOR);
    if (floor) this.learn(reader, carrier, FLOOR, floor, at, why);
  }

  /** `reader` takes in one entry of the clock `carrier`'s author had when writing it. */
  private learn(reader: string, carrier: Carrier, author: string, entry: Entry, at: bigint, why: Why): void {
    // Nothing to learn from an entry the reader already knows as far as it goes now.
    if (author === reader || entry.upTo <= this.knownUpTo(reader, author)) return;
    // The entry as the author had it when writing: its current value, unless raised since.
    const v = entry.at <= carrier.position ? entry.upTo : this.entryWhenWritten(carrier, author);
    if (v > 0n) this.raise(reader, author, v, at, why);
  }

  private entryWhenWritten(carrier: Carrier, author: string): bigint {
    const key = `${carrier.author}\n${author}\n${carrier.position}`;
    let v = this.pastEntries.get(key);
    if (v === undefined) this.pastEntries.set(key, (v = (this.s.valueAt.get(carrier.author, author, carrier.position) as bigint | undefined) ?? 0n));
    return v;
  }

  private carriersOf(stream: string): Carrier[] {
    let carriers = this.carriers.get(stream);
    if (!carriers) this.carriers.set(stream, (carriers = this.s.carriers.all(stream) as Carrier[]));
    return carriers;
  }

  private receiveStream(reader: string, stream: string, asOf: bigint, at: bigint, why: (c: Carrier) => Why): void {
    for (const c of this.carriersOf(stream)) {
      if (c.position > asOf) break;
      if (c.author !== reader) this.receive(reader, c, at, why(c));
    }
  }

  apply(event: StoredEvent): void {
    const author = event.metadata.instanceId;
    const at = event.position;
    if (event.type === 'ContentShown') {
      const { instanceId, via, streams, everything } = event.data;
      const upTo = BigInt(event.data.upTo);
      if (instanceId === undefined) {
        if (everything) this.s.anonymousEverything.run(at, upTo, via, upTo);
        for (const s of streams) this.s.anonymousStream.run(s, at, via);
        return;
      }
      if (everything) this.raise(instanceId, FLOOR, upTo, at, { kind: 'everything', via });
      for (const s of streams) this.receiveStream(instanceId, s, upTo, at, shownBy(via, s));
      return;
    }
    if (author === ANONYMOUS) return;
    const seen = BigInt(event.metadata.seenUpTo);
    if (seen > 0n) this.raise(author, FLOOR, seen, at, { kind: 'synced' });
    if (event.type === 'InstanceSynced') this.raise(event.data.instanceId, FLOOR, BigInt(event.data.upTo), at, { kind: 'synced' });
    for (const s of referencesOf(event)) this.receiveStream(author, s, at, at, citedBy(s));
    if (CARRIES.has(event.type)) {
      // Folded in log order: a new carrier is its stream's latest, and the first of a stream
      // begun by it (a finding's, a question's): whoever reads or cites it next finds it here.
      if (this.s.carrier.run(event.streamName, at, author).changes > 0) {
        const known = this.carriers.get(event.streamName);
        if (known) known.push({ position: at, author });
        else if (event.revision === 0n) this.carriers.set(event.streamName, [{ position: at, author }]);
      }
      this.lastCarrier = at;
    }
  }
}

/** Questions a read asks of the tables: what it shows that the reader did not know. */
export class CausalityQueries {
  private readonly s;

  constructor(db: Database.Database) {
    const prepare = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.s = {
      known: prepare(`SELECT coalesce(max(up_to), 0) FROM clock WHERE instance = ? AND author IN (?, '${FLOOR}')`).pluck(),
      carriers: prepare(`SELECT position, author FROM carriers WHERE stream = ? AND position <= ? ORDER BY position`),
      anyCarrier: prepare(`SELECT 1 FROM carriers WHERE stream = ? LIMIT 1`).pluck(),
      anonymouslyShown: prepare(`SELECT 1 FROM anonymous_streams WHERE stream = ?`).pluck(),
      anonymousEverything: prepare(`SELECT coalesce(max(up_to), 0) FROM anonymous_everything`).pluck(),
      lastCarrier: prepare(`SELECT value FROM meta WHERE key = 'last_carrier'`).pluck(),
    };
  }

  private knows(instance: string, author: string, position: bigint): boolean {
    return instance === author || (this.s.known.get(instance, author) as bigint) >= position;
  }

  /** Of the streams a read showed `reader` as they stood at `asOf`, those holding content it did not know. */
  newTo(reader: string, streams: Iterable<string>, asOf: bigint): string[] {
    const fresh: string[] = [];
    for (const s of streams) {
      const carriers = this.s.carriers.all(s, asOf) as { position: bigint; author: string }[];
      if (carriers.some((c) => !this.knows(reader, c.author, c.position))) fresh.push(s);
    }
    return fresh;
  }

  /** Of the streams a read without an identity showed, those never shown that way before. */
  newToAnonymous(streams: Iterable<string>): string[] {
    return [...streams].filter((s) => this.s.anonymouslyShown.get(s) === undefined && this.s.anyCarrier.get(s) !== undefined);
  }

  /** Whether a whole-log read up to `upTo` shows `reader` (undefined: anonymous) anything new. */
  everythingIsNew(reader: string | undefined, upTo: bigint): boolean {
    const known = reader === undefined ? (this.s.anonymousEverything.get() as bigint) : (this.s.known.get(reader, FLOOR) as bigint);
    const lastCarrier = BigInt((this.s.lastCarrier.get() as string | undefined) ?? '0');
    const end = upTo < lastCarrier ? upTo : lastCarrier;
    return end > known;
  }
}
