import * as z from 'zod';

/**
 * Imported first by the bundles of one command each (scripts/bundle-cli.mjs), before any
 * schema is made: such a process parses its input and a few events, once. zod compiles each
 * object schema's parser (with `new Function`) on its first use, which a one-shot process
 * never earns back and V8's code cache cannot keep; interpreted, zod gives the same answers.
 * Long-running commands (serve, mcp) run from the main bundle, with zod's compiled parsers.
 */
z.config({ jitless: true });
