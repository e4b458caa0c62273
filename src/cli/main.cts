#!/usr/bin/env node
// CommonJS on purpose: an ES module entry costs every call the ESM loader's start-up (~5 ms of
// a ~90 ms command), and agents call the CLI dozens of times a session.
import { bundleFor, loadBundle } from './launch.cjs';

// The fast path: the whole CLI in one file with V8's code cache (see launch.cts); otherwise
// the compiled modules, which are the same code.
async function run(): Promise<void> {
  const file = bundleFor(process.argv.slice(2));
  const bundle = file === undefined ? undefined : loadBundle(file);
  if (bundle) {
    await bundle.main(process.argv);
    bundle.saveCache();
  } else {
    const { main } = await import('./program.js');
    await main(process.argv);
  }
}

void run();
