/** Event times as epoch milliseconds, fast for the one format cairn writes. */

const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
let dayKey = '';
let dayMs = NaN;
/**
 * Date.parse, with a fast path for UTC times as toISOString writes them
 * ("2026-03-01T09:00:00.000Z"): the day is parsed once per distinct day (events arrive in
 * roughly time order), the time of day is read digit by digit. Anything else, or any
 * field out of range, goes to Date.parse.
 */
export function parseAt(at: string): number {
  if (
    at.length === 24 &&
    at.charCodeAt(23) === 90 && // Z
    at.charCodeAt(4) === 45 && // -
    at.charCodeAt(7) === 45 &&
    at.charCodeAt(10) === 84 && // T
    at.charCodeAt(13) === 58 && // :
    at.charCodeAt(16) === 58 &&
    at.charCodeAt(19) === 46 && // .
    digit(at, 0) + digit(at, 1) + digit(at, 2) + digit(at, 3) + digit(at, 5) + digit(at, 6) + digit(at, 8) + digit(at, 9) >= 0
  ) {
    const h = digit(at, 11) * 10 + digit(at, 12);
    const m = digit(at, 14) * 10 + digit(at, 15);
    const sec = digit(at, 17) * 10 + digit(at, 18);
    const ms = digit(at, 20) * 100 + digit(at, 21) * 10 + digit(at, 22);
    if (h < 24 && m < 60 && sec < 60 && ms >= 0) {
      const day = at.slice(0, 10);
      if (day !== dayKey) {
        dayMs = Date.parse(`${day}T00:00:00.000Z`);
        dayKey = day;
      }
      if (!Number.isNaN(dayMs)) return dayMs + ((h * 60 + m) * 60 + sec) * 1000 + ms;
    }
  }
  return Date.parse(at);
}
