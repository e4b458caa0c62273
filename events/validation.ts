import type { z } from 'zod';

/** One rejected field: where it is and why it was rejected. */
export interface FieldIssue {
  field: string;
  reason: string;
}

/** Bad input: names every rejected field. The CLI maps it to exit code 2; nothing is appended. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.reason}`).join('; '));
  }
}

/** Turns zod issues into field paths a person can act on, e.g. `data.tags.2: must not be empty`. */
export function issuesOf(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
    return { field: path || '(input)', reason: `${issue.message}${keys}` };
  });
}

/** Parses with a schema or throws a ValidationError naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesOf(result.error, prefix));
  return result.data;
}
