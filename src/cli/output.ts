import { toPlainJson } from '../runtime/json.js';

/** Writes one JSON document (bigints as decimal strings) on its own line. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(toPlainJson(value))}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export { BORDERLESS, clip, table } from '../render/text.js';
