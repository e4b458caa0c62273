import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/run.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/agents-over-mcp.mjs', import.meta.url));

describe('examples/agents-over-mcp.mjs', () => {
  it('runs four agents over MCP on one log: a question, two findings, a subscription, a synthesis', async () => {
    const log = join(tempDir('cairn-example-'), 'log.db');
    const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE, log], { timeout: 60_000 });
    expect(stdout).toMatch(/^cy ask: asked q-/m);
    expect(stdout).toMatch(/^cy was told [1-9]\d* time\(s\) that the findings changed$/m);
    expect(stdout).toMatch(/^cy synthesize: published s-/m);
    expect(stdout).toMatch(/^cy convergence: convergence across builder, explorer \(ada, bo\)$/m);
    expect(stdout).toContain(`the log: ${log}`);
  }, 90_000);
});
