import type { EventStore, ReadAllOptions, RecordedEvent } from '../../src/store/port.js';

/** Wraps a store and counts what readAll delivers, to prove what a catch-up reads. */
export class CountingStore implements EventStore {
  /** Events delivered by readAll, and readAll calls, since the last reset. */
  eventsRead = 0;
  reads = 0;

  constructor(readonly inner: EventStore) {}

  reset(): void {
    this.eventsRead = 0;
    this.reads = 0;
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.reads++;
    for await (const event of this.inner.readAll(options)) {
      this.eventsRead++;
      yield event;
    }
  }

  append: EventStore['append'] = (...args) => this.inner.append(...args);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  subscribe: EventStore['subscribe'] = (...args) => this.inner.subscribe(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  close: EventStore['close'] = () => this.inner.close();
}
