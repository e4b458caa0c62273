import { streamName, type StreamCategory } from '../../events/index.js';
import { DomainError } from '../errors.js';
import type { App } from './app.js';

/** Refuses references to things that are not in the log: a typo'd id is caught at once. */
export async function requireExisting(app: App, category: StreamCategory, ids: readonly string[], field: string): Promise<void> {
  for (const id of new Set(ids)) {
    if (!(await exists(app, category, id))) throw new DomainError(`${field}: unknown ${category} ${id}`, `unknown_${category}`);
  }
}

async function exists(app: App, category: StreamCategory, id: string): Promise<boolean> {
  for await (const _ of app.store.readStream(streamName(category, id), { maxCount: 1 })) return true;
  return false;
}
