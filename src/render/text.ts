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

/**
 * Characters a terminal gives one column each, as cli-table3 counts them: printable ASCII,
 * Latin, Greek, Cyrillic and the like (not combining marks), general punctuation (… – — “ ”),
 * currency, letterlike symbols, arrows and maths. All in the BMP, so widths are lengths.
 */
const PLAIN = /^[\x20-\x7e\u00a0-\u02ff\u0370-\u0482\u048a-\u0590\u2010-\u2027\u2030-\u205e\u20a0-\u20bf\u2100-\u214f\u2190-\u21ff\u2200-\u22ff]*$/;

/**
 * A borderless table for people; agents use --json. Tables of one-column characters (nearly
 * all) are laid out here, exactly as cli-table3 lays them out with these options: cli-table3
 * merges its options for every cell and took ~40 ms for a board of a few hundred tasks (9 ms
 * for a page of 20), more than the rest of the command. Anything else (wide or combining
 * characters, emoji) still goes to cli-table3.
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

/** "1 message", "2 messages": a count and its noun, agreeing. */
export function counted(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 || n === 1n ? one : many}`;
}

/**
 * Agent-written text is shown as text: control characters and escape sequences are already
 * refused at the boundary, but clip long values so one finding cannot flood a board.
 */
export function clip(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
