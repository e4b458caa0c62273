import { toPlainJson } from '../runtime/json.js';
import { writeOut } from './std-streams.js';

/** Writes one JSON document (bigints as decimal strings) on its own line. */
export function printJson(value: unknown): void {
  writeOut(`${JSON.stringify(toPlainJson(value))}\n`);
}

export function printLine(text: string): void {
  writeOut(text.endsWith('\n') ? text : `${text}\n`);
}

export { BORDERLESS, clip, table } from '../render/text.js';
