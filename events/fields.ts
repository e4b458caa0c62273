import * as z from 'zod';
import { once } from '../src/memo.js';
import { ID_MAX, ID_PATTERN, ROLE_MAX, ROLE_PATTERN, hasNoControlCharacters, isNotAnAddress, isNotAnonymous, isNotBlank, isRecipient } from './predicates.js';

/**
 * Field schemas shared by every event and every input. Limits are deliberate: agents write
 * into this log thousands of times, and a hostile or runaway agent must not be able to
 * bloat it or smuggle control characters into a terminal.
 *
 * Each is made on its first use and kept (`Id()` is the same schema every time): a read
 * whose tables are current never needs them, yet built at load they were about 60 zod
 * schemas in every CLI process (`.min().max().regex()` builds four). Loading the `status`
 * bundle takes about 5% less time so; a whole command gains only 1 to 2 ms, because the
 * first schema it does make pays zod's set-up instead (README, "The CLI").
 */

/** Free text written by an agent: bounded, no control characters beyond \t \n \r. */
export const text = (max: number) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .refine(hasNoControlCharacters, { message: 'must not contain control characters' });

export const nonEmptyText = (max: number) =>
  text(max).refine(isNotBlank, { message: 'must not be empty' });

/** Identifiers end up in stream names and on command lines: keep them plain. */
export const Id = once(() =>
  z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(ID_MAX, { message: `must be at most ${ID_MAX} characters` })
    .regex(ID_PATTERN, {
      message: 'must start with a letter or digit and contain only letters, digits, ".", "_", ":" or "-"',
    }),
);

/** "all" and "role:NAME" address many instances in a message: no instance may be called that. */
const NotAnAddress = once(() =>
  Id().refine(isNotAnAddress, {
    message: 'must not be "all" or start with "role:" (those address many instances)',
  }),
);

/** Who wrote an event: an instance, or "anonymous" for a read recorded without an identity. */
export const Author = NotAnAddress;

/** An instance's id. "anonymous" is what reads without an identity are recorded as. */
export const InstanceId = once(() =>
  NotAnAddress().refine(isNotAnonymous, {
    message: 'must not be "anonymous" (reads without an identity are recorded under that name)',
  }),
);

export const Role = once(() =>
  z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(ROLE_MAX, { message: `must be at most ${ROLE_MAX} characters` })
    .regex(ROLE_PATTERN, { message: 'must be lower-case letters, digits, "_" or "-", starting with a letter' }),
);

/** The four roles the philosophy names; any other lower-case name is allowed too. */
export const KNOWN_ROLES = ['explorer', 'builder', 'reflector', 'coordinator'] as const;

export const Tag = once(() =>
  z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(40, { message: 'must be at most 40 characters' })
    .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u, { message: 'must be a single word of letters, digits, ".", "_", ":", "/" or "-"' }),
);

export const Tags = once(() => z.array(Tag()).max(20, { message: 'must have at most 20 entries' }));

export const Topic = once(() => nonEmptyText(80));

/** ISO-8601 timestamp with offset, as written by `new Date().toISOString()`. */
export const Timestamp = once(() => z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time' }));

/**
 * A global log position. Positions are bigints in the store port (KurrentDB commit positions
 * do not fit a double); in JSON they travel as decimal strings.
 */
export const PositionString = once(() => z.string().regex(/^\d{1,20}$/, { message: 'must be a non-negative integer position' }));

/** Message recipients: one instance, every instance of a role, or everyone. */
export const Recipient = once(() =>
  z
    .string()
    .max(70, { message: 'must be at most 70 characters' })
    .refine(isRecipient, {
      message: 'must be an instance id, "role:NAME" or "all"',
    }),
);

/** A finding's optional embedding, made where FindingRecorded's schema is made. */
export const embedding = () =>
  z
    .object({
      model: nonEmptyText(100),
      vector: z.array(z.number().finite()).min(1).max(4096),
    })
    .strict();
