import {
  CURRENT_SCHEMA_VERSION,
  parseEvent,
  streamOf,
  type DataOf,
  type EventType,
  type StoredEvent,
} from '../../events/index.js';
import type { EventStore } from '../../src/store/port.js';

/** Metadata a test may pin; everything else gets a sensible default. */
export interface MetaOptions {
  /** Default: the instance the data names (instanceId, by, owner, proposedBy, askedBy, from), else "i1". */
  instanceId?: string;
  /** Default: the instance's role as joined or changed earlier in this log, else "explorer". */
  role?: string;
  /** Default: one step (a minute) after the previous event's time. */
  at?: string | Date;
  seenUpTo?: bigint | string;
}

/**
 * Builds a log of valid StoredEvents with positions 1, 2, 3… Every event goes through
 * parseEvent, so a fixture that the contract would reject fails loudly here.
 *
 *   const log = eventLog().add('InstanceJoined', { instanceId: 'a', role: 'builder' }).add(...);
 *   fold(tasksProjection, log.events);
 */
export class EventLog {
  readonly events: StoredEvent[] = [];
  private clock: number;
  private readonly revisions = new Map<string, bigint>();
  private readonly roles = new Map<string, string>();

  private readonly stepMs: number;
  private readonly salt: number;

  constructor(options: EventLogOptions = {}) {
    this.clock = new Date(options.start ?? '2026-01-01T00:00:00.000Z').getTime();
    this.stepMs = options.stepMs ?? 60_000;
    this.salt = options.salt ?? 0;
  }

  add<T extends EventType>(type: T, data: DataOf<T>, meta: MetaOptions = {}): this {
    const named = data as Record<string, unknown>;
    const instanceId =
      meta.instanceId ??
      (['instanceId', 'by', 'owner', 'proposedBy', 'askedBy', 'from'].map((k) => named[k]).find((v) => typeof v === 'string') as string | undefined) ??
      'i1';
    const at = meta.at === undefined ? new Date(this.clock) : new Date(meta.at);
    this.clock = at.getTime() + this.stepMs;
    const role = meta.role ?? (type === 'InstanceJoined' ? (named.role as string) : this.roles.get(instanceId) ?? 'explorer');
    const position = BigInt(this.events.length + 1);
    const envelope = parseEvent({
      type,
      data,
      metadata: {
        eventId: uuidOf(position, this.salt),
        instanceId,
        role,
        at: at.toISOString(),
        seenUpTo: String(meta.seenUpTo ?? '0'),
        schemaVersion: CURRENT_SCHEMA_VERSION,
      },
    });
    if (envelope.type === 'InstanceJoined') this.roles.set(envelope.data.instanceId, envelope.data.role);
    if (envelope.type === 'RoleChanged') this.roles.set(envelope.data.instanceId, envelope.data.to);
    const streamName = streamOf(envelope);
    const revision = this.revisions.get(streamName) ?? 0n;
    this.revisions.set(streamName, revision + 1n);
    this.events.push({ ...envelope, streamName, revision, position });
    return this;
  }

  get head(): bigint {
    return BigInt(this.events.length);
  }

  /** The events at or before `position`. */
  upTo(position: bigint): StoredEvent[] {
    return this.events.filter((e) => e.position <= position);
  }

  /** Appends the events, in order, to an empty store: their positions there match. */
  async appendTo(store: EventStore): Promise<void> {
    await appendEvents(store, this.events);
  }
}

export interface EventLogOptions {
  /** Time of the first event. */
  start?: string | Date;
  /** Default time between events. */
  stepMs?: number;
  /** Varies the event ids, to build a different log with the same shape. */
  salt?: number;
}

export const eventLog = (options?: EventLogOptions): EventLog => new EventLog(options);

export async function appendEvents(store: EventStore, events: readonly StoredEvent[]): Promise<void> {
  for (const e of events) {
    await store.append(e.streamName, [{ id: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]);
  }
}

/** A deterministic, valid UUID v4 per position, so logs built twice are identical. */
export const uuidOf = (n: bigint | number, salt = 0): string =>
  `${salt.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
