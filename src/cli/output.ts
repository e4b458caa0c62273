import Table from 'cli-table3';
import { toPlainJson } from '../runtime/json.js';

/** Writes one JSON document (bigints as decimal strings) on its own line. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(toPlainJson(value))}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A borderless table for people; agents use --json. */
export function table(head: string[], rows: (string | number | bigint | undefined)[][]): string {
  const t = new Table({
    head,
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
      'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
    },
  });
  for (const row of rows) t.push(row.map((cell) => (cell === undefined ? '' : String(cell))));
  return t.toString();
}

/**
 * Agent-written text is shown as text: control characters and escape sequences are already
 * refused at the boundary, but clip long values so one finding cannot flood a board.
 */
export function clip(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
