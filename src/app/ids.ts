import { randomFillSync } from 'node:crypto';

// Crockford-style base32 without look-alikes: short ids agents can type and read back.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A short random id with a prefix, e.g. `t-7f3k9q2m` for a task: 40 bits of randomness. */
export function newEntityId(prefix: 't' | 'q' | 'f' | 'm' | 's'): string {
  if (offset + 8 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let id = '';
  for (let i = 0; i < 8; i++) id += ALPHABET[pool[offset + i]! & 31];
  offset += 8;
  return `${prefix}-${id}`;
}

// Random bytes fetched a page at a time: one randomBytes(8) per id cost more than the rest
// of posting a message.
const pool = Buffer.alloc(4096);
let offset = pool.length;
