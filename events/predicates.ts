/**
 * The checks of events/fields.ts that are not a length or a pattern, as named functions: the
 * schemas refine with them, and the validators generated from those schemas
 * (src/runtime/validate/) call the very same functions, by these names. No zod here, so a
 * process that only reads events never loads a schema.
 */

// C0 controls other than tab, newline and carriage return, plus DEL.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Identifiers end up in stream names and on command lines: keep them plain. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
export const ID_MAX = 64;

/** A role's name: lower-case, as the philosophy's roles are. */
export const ROLE_PATTERN = /^[a-z][a-z0-9_-]*$/;
export const ROLE_MAX = 32;

const ROLE_ADDRESS = /^role:[a-z][a-z0-9_-]{0,31}$/;

export const hasNoControlCharacters = (s: string): boolean => !CONTROL.test(s);

export const isNotBlank = (s: string): boolean => s.trim().length > 0;

/** "all" and "role:NAME" address many instances in a message: no instance may be called that. */
export const isNotAnAddress = (id: string): boolean => id !== 'all' && !id.startsWith('role:');

/** "anonymous" is what reads without an identity are recorded as. */
export const isNotAnonymous = (id: string): boolean => id !== 'anonymous';

/** What `Id()` accepts (its pattern already refuses the empty string). */
export const isId = (s: string): boolean => s.length <= ID_MAX && ID_PATTERN.test(s);

/** A message's recipient: an instance id, "role:NAME" or "all". */
export const isRecipient = (s: string): boolean => s === 'all' || ROLE_ADDRESS.test(s) || isId(s);

/** What `Role()` accepts (its pattern already refuses the empty string). */
export const isRole = (s: string): boolean => s.length <= ROLE_MAX && ROLE_PATTERN.test(s);

/** "role:" alone or "role:Builders" also passes as an instance id: a recipient with the role prefix must name a role. */
export const namesARoleIfPrefixed = (to: string): boolean => !to.startsWith('role:') || isRole(to.slice(5));
