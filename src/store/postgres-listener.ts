import pg from 'pg';

/** How long to wait before connecting again after the listening connection is lost. */
const RECONNECT_MS = [100, 250, 500, 1000, 2000, 5000];

/**
 * One LISTEN connection per store, shared by all its subscriptions, held only while someone
 * is subscribed (so a CLI call that subscribes and closes can exit). Every notification, and
 * every (re)connection, wakes all of them: a wake-up only makes a subscription read again, so
 * one too many costs a query, while one too few would leave it asleep. That is why waking on
 * (re)connection matters: whatever was appended while no LISTEN was active is read then.
 */
export class PostgresListener {
  private readonly wakers = new Set<() => void>();
  private client: pg.Client | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
  ) {}

  /** Registers a wake-up; the returned function removes it. */
  add(wake: () => void): () => void {
    this.wakers.add(wake);
    if (!this.client && !this.timer) this.connect();
    return () => {
      this.wakers.delete(wake);
      if (this.wakers.size === 0) this.disconnect();
    };
  }

  /** Wakes every subscription of this store (also used after its own appends). */
  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  close(): void {
    this.closed = true;
    this.disconnect();
    this.wakeAll();
  }

  private connect(): void {
    if (this.closed || this.wakers.size === 0) return;
    const client = new pg.Client(this.config);
    this.client = client;
    client.on('notification', () => this.wakeAll());
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client
      .connect()
      .then(() => client.query(`LISTEN "${this.channel}"`))
      .then(() => {
        if (this.client !== client) return;
        this.attempt = 0;
        this.wakeAll();
      })
      .catch(() => this.lost(client));
  }

  /** The connection failed or dropped: try again after a pause, unless nobody listens any more. */
  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed || this.wakers.size === 0) return;
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)]!;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
  }

  private disconnect(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }
}
