import { streamName, type StreamCategory } from '../../events/index.js';
import { DomainError } from '../errors.js';
import type { App } from './app.js';

/** Refuses references to things that are not in the log: a typo'd id is caught at once. */
export async function requireExisting(app: App, category: StreamCategory, ids: readonly string[], field: string): Promise<void> {
  for (const id of new Set(ids)) {
    if (!(await exists(app, category, id))) throw new DomainError(`${field}: unknown ${category} ${id}`, `unknown_${category}`);
  }
}

/** What a finding or synthesis rests on must be in the log: the findings it names (under `field`) and the question it answers. */
export async function requireBasis(app: App, findings: readonly string[], field: string, question: string | undefined): Promise<void> {
  await requireExisting(app, 'finding', findings, field);
  if (question) await requireExisting(app, 'question', [question], '--question');
}

async function exists(app: App, category: StreamCategory, id: string): Promise<boolean> {
  for await (const _ of app.store.readStream(streamName(category, id), { maxCount: 1 })) return true;
  return false;
}
