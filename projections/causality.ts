import { ANONYMOUS, type StoredEvent } from '../events/index.js';
import { own } from '../src/similarity/own.js';
import type { Projection } from './projection.js';
import { dict, type Dict } from './shared.js';

/**
 * Happens-before, read off the log (Lamport). An instance's own events are ordered; a read
 * that showed it content (ContentShown), a sync (InstanceSynced, seenUpTo), a cite, an
 * integration, a reply or a judgment is a receive: from then on the reader knows what the
 * content's author knew when writing it. Event A happened-before B when B's author knew A's
 * author's work up to A's position when B was written.
 *
 * Each instance keeps a vector clock whose entries are log positions: "I know author j's work
 * up to position v", plus a floor ("everything up to v", from syncs and whole-log reads). An
 * entry is only ever raised, and each raise is kept with why it happened, so a clock can be
 * read as of any past position (to merge what an author knew when writing something) and
 * every echo can name its path. A merge costs the number of authors, never the log's length.
 */

// ---- state ----

/** Why an instance came to know an author's work up to some position. */
export type Why =
  | { kind: 'synced' }
  | { kind: 'everything'; via: string }
  /** It was shown `stream` by `via`; `carrier` is the content event there, by `author`. */
  | { kind: 'shown'; via: string; stream: string; carrier: bigint; author: string }
  /** Its own event at `at` cites, integrates, replies to or judges `stream`. */
  | { kind: 'cites'; stream: string; carrier: bigint; author: string };

export interface Raise {
  /** The position of the event that raised it. */
  at: bigint;
  upTo: bigint;
  why: Why;
}

/** An event that carries what its author knew to whoever is shown it. */
export interface Carrier {
  position: bigint;
  author: string;
}

export interface AnonymousRead {
  at: bigint;
  via: string;
}

export interface CausalityState {
  /** instance → author (or FLOOR) → raises in log order, each higher than the one before. */
  knows: Dict<Dict<Raise[]>>;
  /** stream → its content events in log order. */
  carriers: Dict<Carrier[]>;
  /** The newest content event: a whole-log read that ends before it shows nothing new. */
  lastCarrier: bigint;
  /** Reads without an identity: where each stream was first shown, and whole-log reads. */
  anonymous: { streams: Dict<AnonymousRead>; everything: (Raise & { why: { kind: 'everything'; via: string } })[] };
}

/** The clock entry for "everything up to": ids start with a letter or digit, so no author is "*". */
export const FLOOR = '*';

/** Event types whose content a reader can take something from. */
export const CARRIES: ReadonlySet<string> = new Set<string>([
  'FindingRecorded',
  'SynthesisPublished',
  'MessagePosted',
  'QuestionPosed',
  'QuestionClosed',
  'TaskProposed',
  'TaskCompleted',
  'TaskAbandoned',
  'ClaimReleased',
  'ConvergenceJudged',
]);

// ---- clocks ----

const last = (raises: Raise[] | undefined): bigint => (raises && raises.length > 0 ? raises[raises.length - 1]!.upTo : 0n);

/** The value of a clock entry as of position `q` (raises at or before it). */
function valueAt(raises: Raise[], q: bigint): bigint {
  let lo = 0;
  let hi = raises.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (raises[mid]!.at <= q) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0n : raises[lo - 1]!.upTo;
}

/** How far `instance` knows `author`'s work now (its own: all of it). */
export function knownUpTo(state: CausalityState, instance: string, author: string): bigint {
  const mine = own(state.knows, instance);
  if (!mine) return 0n;
  const floor = last(own(mine, FLOOR));
  if (author === FLOOR) return floor;
  const entry = last(own(mine, author));
  return entry > floor ? entry : floor;
}

/** Did the event at `position` by `author` happen before whatever `instance` does next? */
export const knows = (state: CausalityState, instance: string, author: string, position: bigint): boolean =>
  instance === author || knownUpTo(state, instance, author) >= position;

function clockOf(state: CausalityState, instance: string): Dict<Raise[]> {
  return (state.knows[instance] ??= dict());
}

function raise(state: CausalityState, instance: string, author: string, upTo: bigint, at: bigint, why: Why): void {
  if (author === instance || upTo <= knownUpTo(state, instance, author)) return;
  const clock = clockOf(state, instance);
  (clock[author] ??= []).push({ at, upTo, why });
}

/** `reader` takes in one content event: its author's work up to it, and all its author knew then. */
function receive(state: CausalityState, reader: string, carrier: Carrier, at: bigint, why: Why): void {
  raise(state, reader, carrier.author, carrier.position, at, why);
  const theirs = own(state.knows, carrier.author);
  if (!theirs) return;
  // The floor last (as src/readstore/causality.ts visits it): raising it first would hide the
  // entries it covers, so which raises are kept, and the path an echo names, would change.
  // Every other entry raises only itself, so their order does not matter.
  for (const author in theirs) {
    if (author === reader || author === FLOOR) continue;
    const raises = theirs[author]!;
    // Nothing to learn from an entry the reader already knows as far as it goes now.
    if (last(raises) <= knownUpTo(state, reader, author)) continue;
    const v = valueAt(raises, carrier.position);
    if (v > 0n) raise(state, reader, author, v, at, why);
  }
  const floor = own(theirs, FLOOR);
  if (floor) {
    const v = valueAt(floor, carrier.position);
    if (v > 0n) raise(state, reader, FLOOR, v, at, why);
  }
}

/** `reader` was shown `stream` as it stood at `asOf`. */
function receiveStream(state: CausalityState, reader: string, stream: string, asOf: bigint, at: bigint, why: (c: Carrier) => Why): void {
  for (const c of own(state.carriers, stream) ?? []) {
    if (c.position > asOf) break;
    if (c.author !== reader) receive(state, reader, c, at, why(c));
  }
}

// ---- fold ----

/** Why a reader came to know a carrier's author: it was shown the stream, or it cited it. */
export const shownBy = (via: string, stream: string) => (c: Carrier): Why => ({ kind: 'shown', via, stream, carrier: c.position, author: c.author });
export const citedBy = (stream: string) => (c: Carrier): Why => ({ kind: 'cites', stream, carrier: c.position, author: c.author });

/** The streams an event's own content refers to: reading them was needed to write it. */
export function referencesOf(event: StoredEvent): string[] {
  switch (event.type) {
    case 'FindingRecorded':
      // A cite names a finding or a synthesis; only the one that exists has content.
      return event.data.cites.flatMap((id) => [`finding-${id}`, `synthesis-${id}`]);
    case 'SynthesisPublished':
      return event.data.integrates.map((id) => `finding-${id}`);
    case 'MessagePosted':
      return event.data.replyTo === undefined ? [] : [`message-${event.data.replyTo}`];
    case 'ConvergenceJudged':
      return [`finding-${event.data.earlier}`, `finding-${event.data.later}`];
    default:
      return [];
  }
}

function evolve(state: CausalityState, event: StoredEvent): CausalityState {
  const author = event.metadata.instanceId;
  const at = event.position;
  if (event.type === 'ContentShown') {
    const { instanceId, via, streams, everything } = event.data;
    const upTo = BigInt(event.data.upTo);
    if (instanceId === undefined) {
      if (everything && upTo > last(state.anonymous.everything)) state.anonymous.everything.push({ at, upTo, why: { kind: 'everything', via } });
      for (const s of streams) state.anonymous.streams[s] ??= { at, via };
      return state;
    }
    if (everything) raise(state, instanceId, FLOOR, upTo, at, { kind: 'everything', via });
    for (const s of streams) receiveStream(state, instanceId, s, upTo, at, shownBy(via, s));
    return state;
  }
  if (author === ANONYMOUS) return state;
  // Every event says how far its author had synced: the floor, even where the sync itself is absent (an imported slice).
  const seen = BigInt(event.metadata.seenUpTo);
  if (seen > 0n) raise(state, author, FLOOR, seen, at, { kind: 'synced' });
  if (event.type === 'InstanceSynced') raise(state, event.data.instanceId, FLOOR, BigInt(event.data.upTo), at, { kind: 'synced' });
  for (const s of referencesOf(event)) receiveStream(state, author, s, at, at, citedBy(s));
  if (CARRIES.has(event.type)) {
    const carriers = (state.carriers[event.streamName] ??= []);
    if (carriers.length > 0 && carriers[carriers.length - 1]!.position >= at) return state; // the same event again
    carriers.push({ position: at, author });
    state.lastCarrier = at;
  }
  return state;
}

export const causalityProjection: Projection<CausalityState> = {
  name: 'causality',
  version: 2,
  initialState: () => ({ knows: dict(), carriers: dict(), lastCarrier: 0n, anonymous: { streams: dict(), everything: [] } }),
  evolve,
};

// ---- queries ----

/** One step of the path by which an event reached an instance. */
export type PathStep =
  | { instance: string; at: bigint; how: 'synced'; upTo: bigint }
  | { instance: string; at: bigint; how: 'everything'; upTo: bigint; via: string }
  | { instance: string; at: bigint; how: 'shown'; via: string; stream: string; author: string; carrier: bigint }
  | { instance: string; at: bigint; how: 'cites'; stream: string; author: string; carrier: bigint };

/** The first raise of `instance`'s entry for `author` (or its floor) that covers `position`, made at or before `before`. */
function firstCovering(state: CausalityState, instance: string, author: string, position: bigint, before: bigint): Raise | undefined {
  const clock = own(state.knows, instance);
  if (!clock) return undefined;
  let best: Raise | undefined;
  for (const key of author === FLOOR ? [FLOOR] : [author, FLOOR]) {
    const raises = own(clock, key) ?? [];
    // upTo and at both grow along the list: the first that reaches `position` is also the earliest.
    let lo = 0;
    let hi = raises.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (raises[mid]!.upTo < position) lo = mid + 1;
      else hi = mid;
    }
    const r = raises[lo];
    if (r && r.at <= before && (!best || r.at < best.at)) best = r;
  }
  return best;
}

/**
 * How the event at `position` by `author` (in `stream`) reached `instance` by `before`: the
 * chain of reads, cites and syncs, newest hop first. Undefined when it did not (concurrent).
 * Each hop goes to a strictly earlier event, so the walk ends.
 */
export const pathTo = (state: CausalityState, instance: string, before: bigint, target: PathTarget): PathStep[] | undefined =>
  pathVia((who, author, position, by) => firstCovering(state, who, author, position, by), instance, before, target);

export interface PathTarget {
  author: string;
  position: bigint;
  stream: string;
}

/** The first raise of `instance`'s entry for `author` (or its floor) that covers `position`, made at or before `before`. */
export type FirstCovering = (instance: string, author: string, position: bigint, before: bigint) => Raise | undefined;

/** The same walk over raises kept anywhere (the fold's state, or tables). */
export function pathVia(firstCovering: FirstCovering, instance: string, before: bigint, target: PathTarget): PathStep[] | undefined {
  const steps: PathStep[] = [];
  let who = instance;
  let by = before;
  for (;;) {
    if (who === target.author) return steps;
    const r = firstCovering(who, target.author, target.position, by);
    if (!r) return undefined;
    const why = r.why;
    if (why.kind === 'synced') return [...steps, { instance: who, at: r.at, how: 'synced', upTo: r.upTo }];
    if (why.kind === 'everything') return [...steps, { instance: who, at: r.at, how: 'everything', upTo: r.upTo, via: why.via }];
    steps.push(
      why.kind === 'shown'
        ? { instance: who, at: r.at, how: 'shown', via: why.via, stream: why.stream, author: why.author, carrier: why.carrier }
        : { instance: who, at: r.at, how: 'cites', stream: why.stream, author: why.author, carrier: why.carrier },
    );
    if (why.stream === target.stream) return steps;
    // The content's author knew the target when writing it (or wrote it after the target).
    who = why.author;
    by = why.carrier;
  }
}

const entity = (stream: string): string => {
  const dash = stream.indexOf('-');
  return `${stream.slice(0, dash)} ${stream.slice(dash + 1)}`;
};

/** A path in words: "bo was shown carol's message m-12 by `inbox` (position 40), and carol had been shown …". */
export function describePath(steps: readonly PathStep[], target: { author: string; stream: string }): string {
  const parts = steps.map((s, i) => {
    const subject = i === 0 ? s.instance : `${s.instance} had`;
    const verb = i === 0 ? { shown: 'was shown', cites: 'cited', synced: 'had synced to', everything: 'had read the whole log up to' } : { shown: 'been shown', cites: 'cited', synced: 'synced to', everything: 'read the whole log up to' };
    switch (s.how) {
      case 'synced':
        return `${subject} ${verb.synced} position ${s.upTo} (at ${s.at})`;
      case 'everything':
        return `${subject} ${verb.everything} position ${s.upTo} with \`${s.via}\` (at ${s.at})`;
      case 'shown':
        return `${subject} ${verb.shown} ${s.stream === target.stream ? entity(s.stream) : `${s.author}'s ${entity(s.stream)}`} by \`${s.via}\` (at ${s.at})`;
      case 'cites':
        return `${subject} ${verb.cites} ${entity(s.stream)} (at ${s.at})`;
    }
  });
  const end = steps[steps.length - 1];
  const origin = end && (end.how === 'shown' || end.how === 'cites') && end.stream !== target.stream && end.author === target.author;
  return parts.join(', and ') + (origin ? `, which ${end.author} wrote after ${entity(target.stream)}` : '');
}

/** The earliest read without an identity that showed `stream` (written at `position`) before `before`. */
export function anonymousReadBefore(state: CausalityState, stream: string, position: bigint, before: bigint): AnonymousRead | undefined {
  const direct = own(state.anonymous.streams, stream);
  let best = direct && direct.at < before ? direct : undefined;
  for (const r of state.anonymous.everything) {
    if (r.at >= before || (best && r.at >= best.at)) break;
    if (r.upTo >= position) {
      best = { at: r.at, via: r.why.via };
      break;
    }
  }
  return best;
}

/**
 * Of the streams a read showed `reader` as they stood at `asOf`, those holding content it did
 * not already know: a read that names none of them appends nothing.
 */
export function newTo(state: CausalityState, reader: string, streams: Iterable<string>, asOf: bigint): string[] {
  const fresh: string[] = [];
  for (const s of streams) {
    const carriers = own(state.carriers, s) ?? [];
    if (carriers.some((c) => c.position <= asOf && !knows(state, reader, c.author, c.position))) fresh.push(s);
  }
  return fresh;
}

/** Of the streams a read without an identity showed, those never shown that way before. */
export const newToAnonymous = (state: CausalityState, streams: Iterable<string>): string[] =>
  [...streams].filter((s) => own(state.anonymous.streams, s) === undefined && own(state.carriers, s) !== undefined);

/** Whether a whole-log read up to `upTo` shows `reader` (or, undefined, an anonymous reader) anything new. */
export function everythingIsNew(state: CausalityState, reader: string | undefined, upTo: bigint): boolean {
  const known = reader === undefined ? last(state.anonymous.everything) : knownUpTo(state, reader, FLOOR);
  const end = upTo < state.lastCarrier ? upTo : state.lastCarrier;
  return end > known;
}
