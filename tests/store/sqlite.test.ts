import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { runConformanceSuite } from './conformance.js';

runConformanceSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-sqlite-'));
  return {
    store: openSqliteStore(join(dir, 'log.db'), { create: true }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
