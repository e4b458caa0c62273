import { randomBytesOf } from '../runtime/random.js';

// Crockford-style base32 without look-alikes: short ids agents can type and read back.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A short random id with a prefix, e.g. `t-7f3k9q2m` for a task: 40 bits of randomness. */
export function newEntityId(prefix: 't' | 'q' | 'f' | 'm' | 's'): string {
  const bytes = randomBytesOf(8);
  let id = '';
  for (let i = 0; i < 8; i++) id += ALPHABET[bytes[i]! & 31];
  return `${prefix}-${id}`;
}
