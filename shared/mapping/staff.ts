import { suggestMatches } from '../matching/suggest-matches.ts';
import { isActive, nameOf, nested, plain, text } from './qbo-fields.ts';
import type { CompanyLists, HostStaff, Problem, Suggestion, Target, TargetRef } from './types.ts';

const emailOf = (employee: Record<string, unknown>) => text(nested(employee, 'PrimaryEmailAddr'), 'Address');

export function staffTargets(lists: Pick<CompanyLists, 'employees'>): Target[] {
  return lists.employees.map((employee) => ({ type: 'Employee', id: text(employee, 'Id'), name: nameOf(employee), active: isActive(employee), detail: emailOf(employee) || 'No email in QuickBooks' }));
}

export function staffProblems(lists: Pick<CompanyLists, 'employees'>, host: HostStaff, target: TargetRef | null): Problem[] {
  if (!target) return [{ code: 'unmapped', message: `${host.name} is not mapped to a QuickBooks employee, so their time is not sent.` }];
  if (target.type !== 'Employee') return [{ code: 'wrong_type', message: `Staff map to QuickBooks employees, not a ${target.type}.` }];
  const employee = lists.employees.find((candidate) => text(candidate, 'Id') === target.id);
  if (!employee) return [{ code: 'not_found', message: `QuickBooks employee ${target.id} does not exist (any more).` }];
  if (!isActive(employee)) return [{ code: 'inactive', message: `${nameOf(employee)} was made inactive in QuickBooks.` }];
  return [];
}

/**
 * Staff ↔ employees with the matching library, one-to-one. Only a pair whose name and email both agree exactly
 * is `auto` (mapped without a person); a matching name with another email, or a similar name, is a suggestion.
 */
export function suggestStaff(lists: Pick<CompanyLists, 'employees'>, staff: HostStaff[]): Map<string, Suggestion> {
  const employees = lists.employees.filter(isActive);
  const byId = new Map(employees.map((employee) => [text(employee, 'Id'), employee]));
  const matches = suggestMatches(
    staff.map((person) => ({ id: person.id, name: person.name, ...(person.email ? { email: person.email } : {}) })),
    employees.map((employee) => ({ id: text(employee, 'Id'), name: nameOf(employee), ...(emailOf(employee) ? { email: emailOf(employee) } : {}) })),
  );
  const people = new Map(staff.map((person) => [person.id, person]));
  const result = new Map<string, Suggestion>();
  for (const match of matches) {
    const person = people.get(match.leftId);
    const employee = byId.get(match.rightId);
    if (!person || !employee) continue;
    const sameName = plain(person.name) === plain(nameOf(employee));
    const hostEmail = (person.email ?? '').trim().toLowerCase();
    const theirEmail = emailOf(employee).trim().toLowerCase();
    const sameEmail = hostEmail !== '' && hostEmail === theirEmail;
    const reasons = [sameName ? 'same name' : 'similar name', sameEmail ? 'same email' : hostEmail && theirEmail ? 'different email' : 'no email to compare'];
    result.set(person.id, { target: { type: 'Employee', id: match.rightId }, confidence: sameName && sameEmail ? 'auto' : 'suggested', reasons });
  }
  return result;
}
