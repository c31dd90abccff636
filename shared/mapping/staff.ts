import { suggestMatches } from '../matching/suggest-matches.ts';
import { isActive, nameOf, nested, plain, recordWords, text } from './qbo-fields.ts';
import type { CompanyLists, HostStaff, Problem, Suggestion, Target, TargetRef } from './types.ts';

const emailOf = (employee: Record<string, unknown>) => text(nested(employee, 'PrimaryEmailAddr'), 'Address');

export function staffTargets(lists: Pick<CompanyLists, 'employees'>): Target[] {
  return lists.employees.map((employee) => ({ type: 'Employee', id: text(employee, 'Id'), name: nameOf(employee), active: isActive(employee), detail: emailOf(employee) || 'No email in QuickBooks' }));
}

export function staffProblems(lists: Pick<CompanyLists, 'employees'>, host: HostStaff, target: TargetRef | null): Problem[] {
  if (!target) return [{ code: 'unmapped', message: `${host.name} is not mapped to a QuickBooks employee, so their time is not sent.` }];
  if (target.type !== 'Employee') return [{ code: 'wrong_type', message: `Staff map to QuickBooks employees, not ${recordWords(target.type)}.` }];
  const employee = lists.employees.find((candidate) => text(candidate, 'Id') === target.id);
  if (!employee) return [{ code: 'not_found', message: `QuickBooks employee ${target.id} does not exist (any more).` }];
  if (!isActive(employee)) return [{ code: 'inactive', message: `${nameOf(employee)} was made inactive in QuickBooks.` }];
  return [];
}

/**
 * Staff ↔ employees with the matching library, one-to-one. Only a pair whose name and email both agree exactly
 * is `auto` (mapped without a person); a matching name with another email, or a similar name, is a suggestion.
 * Two active employees of one name are not guessed between: only an email that is exactly one of theirs picks
 * one; otherwise the person gets no suggestion and a problem naming both (with their emails and ids).
 */
export function suggestStaff(lists: Pick<CompanyLists, 'employees'>, staff: HostStaff[], stored: ReadonlyMap<string, TargetRef> = new Map()): { suggestions: Map<string, Suggestion>; problems: Map<string, Problem> } {
  const employees = lists.employees.filter(isActive);
  const byId = new Map(employees.map((employee) => [text(employee, 'Id'), employee]));
  const byName = new Map<string, Record<string, unknown>[]>();
  for (const employee of employees) byName.set(plain(nameOf(employee)), [...(byName.get(plain(nameOf(employee))) ?? []), employee]);
  const matches = suggestMatches(
    staff.map((person) => ({ id: person.id, name: person.name, ...(person.email ? { email: person.email } : {}) })),
    employees.map((employee) => ({ id: text(employee, 'Id'), name: nameOf(employee), ...(emailOf(employee) ? { email: emailOf(employee) } : {}) })),
  );
  const people = new Map(staff.map((person) => [person.id, person]));
  const result = new Map<string, Suggestion>();
  const problems = new Map<string, Problem>();
  for (const person of staff) {
    const namesakes = byName.get(plain(person.name)) ?? [];
    if (namesakes.length < 2) continue;
    const hostEmail = (person.email ?? '').trim().toLowerCase();
    const byEmail = namesakes.filter((employee) => hostEmail !== '' && emailOf(employee).trim().toLowerCase() === hostEmail);
    if (byEmail.length === 1) {
      result.set(person.id, { target: { type: 'Employee', id: text(byEmail[0]!, 'Id') }, confidence: 'auto', reasons: ['same name', 'same email'] });
      continue;
    }
    const listed = namesakes.map((employee) => `"${nameOf(employee)}" (${emailOf(employee) || 'no email'}, id ${text(employee, 'Id')})`).join(', ');
    problems.set(person.id, { code: 'ambiguous', message: `${namesakes.length} QuickBooks employees are called ${person.name}: ${listed}; pick the right one.` });
  }
  for (const match of matches) {
    const person = people.get(match.leftId);
    const employee = byId.get(match.rightId);
    if (!person || !employee || result.has(person.id) || problems.has(person.id)) continue;
    const sameName = plain(person.name) === plain(nameOf(employee));
    const hostEmail = (person.email ?? '').trim().toLowerCase();
    const theirEmail = emailOf(employee).trim().toLowerCase();
    const sameEmail = hostEmail !== '' && hostEmail === theirEmail;
    const reasons = [sameName ? 'same name' : 'similar name', sameEmail ? 'same email' : hostEmail && theirEmail ? 'different email' : 'no email to compare'];
    result.set(person.id, { target: { type: 'Employee', id: match.rightId }, confidence: sameName && sameEmail ? 'auto' : 'suggested', reasons });
  }
  // One-to-one: an employee picked by email for one namesake is not also suggested to another person.
  const seen = new Map<string, string>();
  for (const [personId, suggestion] of result) {
    const other = seen.get(suggestion.target.id);
    if (other !== undefined && result.get(other)!.confidence === 'auto') result.delete(personId);
    else if (other !== undefined && suggestion.confidence === 'auto') result.delete(other);
    else seen.set(suggestion.target.id, personId);
  }
  // A person left with nothing whose name (and email) is an employee another person holds, stored or suggested,
  // is told why: otherwise the row would say nothing at all about the employee that is plainly theirs.
  const holders = new Map<string, string>();
  for (const [personId, target] of stored) if (target.type === 'Employee') holders.set(target.id, personId);
  for (const [personId, suggestion] of result) if (!holders.has(suggestion.target.id)) holders.set(suggestion.target.id, personId);
  for (const person of staff) {
    if (result.has(person.id) || problems.has(person.id) || stored.has(person.id)) continue;
    const hostEmail = (person.email ?? '').trim().toLowerCase();
    const namesakes = byName.get(plain(person.name)) ?? [];
    const employee = namesakes.find((candidate) => hostEmail !== '' && emailOf(candidate).trim().toLowerCase() === hostEmail) ?? (namesakes.length === 1 ? namesakes[0] : undefined);
    const holder = employee && people.get(holders.get(text(employee, 'Id')) ?? '');
    if (!employee || !holder || holder.id === person.id) continue;
    const same = hostEmail !== '' && emailOf(employee).trim().toLowerCase() === hostEmail ? 'name and email' : 'name';
    problems.set(person.id, { code: 'already_mapped', message: `QuickBooks employee ${nameOf(employee)} has the same ${same}, but is already mapped to ${holder.name}'s employee record: each employee is one person's, so pick another employee or change ${holder.name}'s mapping.` });
  }
  return { suggestions: result, problems };
}
