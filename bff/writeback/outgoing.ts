import type { ProviderFault } from '../../shared/api/errors.ts';
import { partyHostFields } from '../matching/parties.ts';
import { checkOutgoing } from '../providers/qbo/field-limits.ts';
import type { ProviderType } from './translate.ts';

/** The host's field each QuickBooks field we write comes from (translate.ts), so a refusal names the host's. */
const HOST_FIELD: Readonly<Record<string, string>> = {
  ...partyHostFields,
  DocNumber: 'doc_number',
  PrivateNote: 'memo',
  Description: 'description',
  // 6070 names no line: the lines are what a new version fixes (and a retry of this one cannot).
  Amount: 'lines',
};

/** Our field (`data.…`) behind a QuickBooks field a refusal names; null when it is not one we write from a host field. */
export function hostFieldFor(path: string | null): string | null {
  if (!path) return null;
  const line = /^Line\.(\d+)\.Description$/.exec(path);
  if (line) return `data.lines.${line[1]}.description`;
  return HOST_FIELD[path] ? `data.${HOST_FIELD[path]}` : null;
}

const hostFieldOf = (path: string): string => {
  const line = /^Line\.(\d+)\.Description$/.exec(path);
  return `data.${line ? `lines.${line[1]}.description` : (HOST_FIELD[path] ?? path)}`;
};

/**
 * What QuickBooks would refuse in a translated document (a colon in a name, an email it can't read, a string over
 * its length), as the fault the document is rejected with before anything is sent: it names the host's field and
 * the QuickBooks one, so the person fixes the record instead of reading a provider fault. Null when it may go.
 */
export function outgoingFault(type: ProviderType, body: Record<string, unknown>): ProviderFault | null {
  const issues = checkOutgoing(type, body);
  const first = issues[0];
  if (!first) return null;
  const field = hostFieldOf(first.path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more: ${issues.slice(1).map((issue) => hostFieldOf(issue.path)).join(', ')})` : '';
  return {
    category: 'validation',
    action: 'fix_record',
    field,
    quickbooks_field: first.path,
    quickbooks_code: null,
    message: `Not sent to QuickBooks: ${field}: ${first.message} Change it in your product and send a new version.${more}`,
  };
}
