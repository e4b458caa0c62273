import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../events/validation.js';
import { PROJECTIONS, PROJECTION_NAMES, projectionNamed } from '../../projections/index.js';
import { tasksProjection } from '../../projections/tasks.js';
import { decodeJson, encodeJson } from '../../src/runtime/json.js';

describe('projection registry', () => {
  it('keys every projection by its own name', () => {
    for (const [key, projection] of Object.entries(PROJECTIONS)) expect(projection.name).toBe(key);
    expect(PROJECTION_NAMES).toEqual(['tasks', 'activity', 'inbox', 'questions', 'findings', 'convergence', 'health']);
  });

  it('finds a projection by name', () => {
    expect(projectionNamed('tasks')).toBe(tasksProjection);
  });

  it('refuses an unknown name with a ValidationError listing the valid ones', () => {
    for (const name of ['task', 'constructor', '']) {
      expect(() => projectionNamed(name)).toThrow(ValidationError);
    }
    try {
      projectionNamed('nope');
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([
        { field: 'projection', reason: 'unknown projection "nope"; must be one of tasks, activity, inbox, questions, findings, convergence, health' },
      ]);
    }
  });

  it('gives every projection a fresh initial state that survives a checkpoint', () => {
    for (const projection of Object.values(PROJECTIONS)) {
      const a: unknown = projection.initialState();
      expect(a).not.toBe(projection.initialState());
      // Bigints are allowed: states go through encodeJson, which keeps them.
      expect(decodeJson(encodeJson(a))).toEqual(a);
    }
  });
});
