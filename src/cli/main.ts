#!/usr/bin/env node
import { bundleFor, loadBundle } from './launch.js';

// The fast path: the whole CLI in one file with V8's code cache (see launch.ts); otherwise
// the compiled modules, which are the same code.
const file = bundleFor(process.argv.slice(2));
const bundle = file === undefined ? undefined : loadBundle(file);
if (bundle) {
  await bundle.main(process.argv);
  bundle.saveCache();
} else {
  const { main } = await import('./program.js');
  await main(process.argv);
}
