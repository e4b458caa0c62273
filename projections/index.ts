import { ValidationError } from '../events/validation.js';
import { activityProjection } from './activity.js';
import { findingsProjection } from './findings.js';
import { inboxProjection } from './inbox.js';
import type { Projection } from './projection.js';
import { questionsProjection } from './questions.js';
import { tasksProjection } from './tasks.js';
import { convergenceProjection } from './convergence.js';
import { healthProjection } from './health.js';

export * from './projection.js';

/** Every read model by name. A new projection is one more line here (its key must be its name). */
export const PROJECTIONS = {
  tasks: tasksProjection,
  activity: activityProjection,
  inbox: inboxProjection,
  questions: questionsProjection,
  findings: findingsProjection,
  convergence: convergenceProjection,
  health: healthProjection,
} as const satisfies Record<string, Projection<unknown>>;

export type ProjectionName = keyof typeof PROJECTIONS;
export const PROJECTION_NAMES = Object.keys(PROJECTIONS) as ProjectionName[];

export const isProjectionName = (name: string): name is ProjectionName => Object.hasOwn(PROJECTIONS, name);

/** The projection called `name`, as typed on a command line; a ValidationError lists the valid names. */
export function projectionNamed<N extends ProjectionName>(name: N): (typeof PROJECTIONS)[N];
export function projectionNamed(name: string, field?: string): Projection<unknown>;
export function projectionNamed(name: string, field = 'projection'): Projection<unknown> {
  if (isProjectionName(name)) return PROJECTIONS[name];
  throw new ValidationError([{ field, reason: `unknown projection "${name}"; must be one of ${PROJECTION_NAMES.join(', ')}` }]);
}
