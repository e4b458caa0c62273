import { describe, expect, it } from 'vitest';
import { InstanceId } from '../../events/index.js';
import { eventValidatorsModule } from '../../src/runtime/validate/event-codegen.js';
import { INSTANCE_ID } from '../../src/runtime/validate/events.generated.js';

describe('the generated event validators', () => {
  it('are what the schemas give now (a schema changed without `-u` fails here)', async () => {
    await expect(eventValidatorsModule()).toMatchFileSnapshot('../../src/runtime/validate/events.generated.ts');
  });

  it('take an instance id exactly as InstanceId() does, or leave it to zod', () => {
    const ids = ['ada', 'b-2', 'x.y:z_1', 'all', 'role:builder', 'anonymous', 'Anonymous', '', ' ada', 'ad a', '-ada', 'a'.repeat(64), 'a'.repeat(65), 'ünï', 7, null];
    for (const id of ids) {
      const zod = InstanceId().safeParse(id);
      expect(INSTANCE_ID!(id), String(id)).toBe(zod.success ? zod.data : undefined);
    }
  });
});
