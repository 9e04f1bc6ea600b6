import type { z } from 'zod';
import { errors } from '../errors.js';

/**
 * Parse untrusted input with a zod schema; failure is a 400 whose message names
 * the first bad field and whose details list every problem.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code = 'VALIDATION_FAILED'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  const message = first
    ? `Invalid input${first.path ? ` at "${first.path}"` : ''}: ${first.message}`
    : 'Invalid input.';
  throw errors.validation(message, issues, code);
}
