import Table from 'cli-table3';

/** Text for people: tables and clipped values, shared by the CLI and MCP's text results. */

/** cli-table3 options for a borderless table; the plain-ASCII path below lays out the same. */
export const BORDERLESS = {
  style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
  chars: {
    top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
    'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
  },
} satisfies Table.TableConstructorOptions;

/** Printable ASCII: one column per character, so widths are lengths. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * A borderless table for people; agents use --json. Plain ASCII tables (nearly all) are laid
 * out here, exactly as cli-table3 lays them out with these options: cli-table3 merges its
 * options for every cell and took ~40 ms for a board of a few hundred tasks, more than the
 * rest of the command. Anything else (wide or combining characters) still goes to cli-table3.
 */
export function table(head: string[], rows: (string | number | bigint | undefined)[][]): string {
  const body = rows.map((row) => row.map((cell) => (cell === undefined ? '' : String(cell))));
  const all = [head, ...body];
  if (all.every((row) => row.length === head.length && row.every((cell) => PLAIN.test(cell)))) {
    const widths = head.map((_, i) => all.reduce((max, row) => Math.max(max, row[i]!.length), 0) + 2);
    return all.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('')).join('\n');
  }
  const t = new Table({ head, ...BORDERLESS });
  for (const row of body) t.push(row);
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
