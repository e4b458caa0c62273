import { parseInput } from '../app/operation.js';
import { appOver, type App } from '../app/app.js';
import { operationNamed } from '../app/operations.js';

const MINUTE = 60_000;

/** [minutes before now, instance, operation, input]: a short session of four roles. */
const SESSION: [number, string, string, Record<string, unknown>][] = [
  [120, 'ada', 'join', { role: 'reflector', description: 'synthesises what the others find' }],
  [119, 'eve', 'join', { role: 'explorer' }],
  [118, 'bo', 'join', { role: 'builder' }],
  [117, 'cy', 'join', { role: 'coordinator' }],
  [115, 'ada', 'ask', { text: 'Why do uploads stall under load?', tags: ['uploads'], id: 'q-uploads' }],
  [112, 'bo', 'propose', { title: 'Build a load generator for the upload path', tags: ['uploads', 'tooling'], id: 't-loadgen' }],
  [110, 'eve', 'propose', { title: 'Map every retry path in the uploader', tags: ['uploads'], id: 't-retry-map' }],
  [108, 'cy', 'propose', { title: 'Write the runbook for stalled uploads', tags: ['docs'], id: 't-runbook' }],
  [105, 'bo', 'claim', { task: 't-loadgen', lease: '3h' }],
  [104, 'eve', 'claim', { task: 't-retry-map', lease: '90m' }],
  [95, 'eve', 'find', { summary: 'Uploads stall when the retry loop ignores the Retry-After header', topic: 'uploads', question: 'q-uploads', id: 'f-retry-after' }],
  [88, 'bo', 'find', { summary: "Under load the client retries immediately, ignoring the server's Retry-After header", topic: 'uploads', question: 'q-uploads', id: 'f-immediate-retry' }],
  [85, 'eve', 'say', { body: 'Retry-After is ignored on 503s; worth a look before the load test', to: 'role:builder' }],
  [80, 'bo', 'inbox', { markRead: true }],
  [78, 'bo', 'say', { body: 'Thanks: the load generator reproduces the stall at 200 uploads per second', to: 'eve' }],
  [70, 'dee', 'join', { role: 'explorer' }],
  [62, 'dee', 'find', { summary: 'The connection pool is exhausted at about 180 concurrent uploads', topic: 'connection-pool', tags: ['uploads'], id: 'f-pool' }],
  [55, 'ada', 'sync', {}],
  [50, 'ada', 'synthesize', { summary: 'Stalls are retry storms: clients ignore Retry-After and exhaust the connection pool', integrates: ['f-retry-after', 'f-immediate-retry', 'f-pool'], question: 'q-uploads', id: 's-retry-storms' }],
  [40, 'bo', 'complete', { task: 't-loadgen', outcome: 'load generator in tools/load; reproduces the stall' }],
  [30, 'bo', 'propose', { title: 'Honour Retry-After with jittered backoff', tags: ['uploads', 'backoff'], id: 't-backoff' }],
  [28, 'bo', 'claim', { task: 't-backoff', lease: '1h' }],
  [20, 'cy', 'say', { body: 'Two independent findings on Retry-After, from an explorer and a builder. t-runbook is still open if anyone wants it.', to: 'all' }],
  [12, 'dee', 'claim', { task: 't-runbook', lease: '45m' }],
  [5, 'eve', 'sync', {}],
];

/**
 * Plays a short session into an empty log, through the operations themselves, so `npm start`
 * shows a board with something on it: claims with live and lapsed leases, a convergence, an
 * echo-free synthesis, messages. Events are dated over the last two hours so the time slider
 * and the health charts have a history to show.
 */
export async function seedDemo(store: App['store']): Promise<number> {
  const now = Date.now();
  let at = now;
  // An App of its own, with a clock set per step; it shares the store and never closes it.
  const app = appOver(store, { clock: () => new Date(at) });
  for (const [minutesAgo, instanceId, name, raw] of SESSION) {
    const op = operationNamed(name);
    if (!op) continue; // an operation this build does not have
    at = now - minutesAgo * MINUTE;
    await op.run(app, parseInput(op, raw), { instanceId });
  }
  return Number(await store.headPosition());
}
