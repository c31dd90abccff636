import type { z } from 'zod';

/** "field.path: problem" for the first issue, so a 400 names the field at fault. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.join(', ')}`;
  return path ? `${path}: ${issue.message}` : issue.message;
}
