import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Cryptographically strong random bytes for ids, a page at a time. Where the system has
 * /dev/urandom they are read from it: loading node:crypto costs ~4 ms, which was the largest
 * single part of an agent's `cairn find` or `cairn claim` after start-up (the CLI bundle loads
 * node:crypto only on first use, see scripts/bundle-cli.mjs). Elsewhere node:crypto fills them.
 */

const pool = Buffer.alloc(4096);
let offset = pool.length;

/** The next `count` (at most 64) random bytes, valid until the next call. */
export function randomBytesOf(count: number): Buffer {
  if (offset + count > pool.length) {
    refill();
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + count);
  offset += count;
  return bytes;
}

/** A random (version 4) UUID, as crypto.randomUUID() makes. */
export function randomUuid(): string {
  const b = randomBytesOf(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function refill(): void {
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      let filled = 0;
      while (filled < pool.length) filled += readSync(fd, pool, filled, pool.length - filled, null);
      return;
    } finally {
      closeSync(fd);
    }
  } catch {
    randomFillSync(pool);
  }
}
