import { describe, expect, it } from 'vitest';
import { eventValidatorsModule } from '../../src/runtime/validate/codegen.js';

describe('the generated event validators', () => {
  it('are what the schemas give now (a schema changed without `-u` fails here)', async () => {
    await expect(eventValidatorsModule()).toMatchFileSnapshot('../../src/runtime/validate/events.generated.ts');
  });
});
