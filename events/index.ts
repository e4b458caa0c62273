/** The events' contract: every event's schema, its metadata, its stream, and the one way in. */
export * from './catalog.js';
export * from './fields.js';
export * from './metadata.js';
export * from './parse.js';
export * from './validation.js';
export * from './streams.js';
export * from './upcast.js';
export { ANONYMOUS, MAX_SHOWN_STREAMS, ShownStream } from './exposure.js';
