type Qbo = Record<string, unknown>;

/**
 * A time entry is found again by what it holds, not by a marker: QuickBooks gives TimeActivity no private note,
 * and its Description is what the employee, the customer's invoice and everyone in QuickBooks read, so no tag of
 * ours goes there. After an uncertain create, the record of this date created since the document arrived that
 * holds exactly what was sent (employee, customer, item, hours, minutes, billable status, rate, description), and
 * that no other document of the connection holds, is the one that create made. Two of the host's entries that
 * hold the same may swap records, which changes nothing in QuickBooks; each keeps its own (a record is held by one
 * document only: unique index in migration 024).
 */
const KEY_FIELDS = ['TxnDate', 'NameOf', 'Hours', 'Minutes', 'BillableStatus', 'HourlyRate', 'Description'] as const;
const KEY_REFS = ['EmployeeRef', 'VendorRef', 'CustomerRef', 'ItemRef', 'ClassRef', 'DepartmentRef'] as const;

/** Numbers QuickBooks may answer as 0 when none was sent. */
const NUMBERS = new Set<string>(['Hours', 'Minutes', 'HourlyRate']);

const refValue = (value: unknown): string => (typeof value === 'object' && value !== null ? String((value as Qbo)['value'] ?? '') : '');
const plain = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'number' ? String(Number(value)) : String(value).trim());

/** What a time entry holds, as one comparable string; QuickBooks' defaults (Minutes 0) count as sent. */
export function timeEntryKey(entry: Qbo): string {
  const fields = KEY_FIELDS.map((field) => (NUMBERS.has(field) ? String(Number(entry[field] ?? 0)) : plain(entry[field])));
  return [...fields, ...KEY_REFS.map((field) => refValue(entry[field]))].join('\u0000');
}

export const sameTimeEntry = (a: Qbo, b: Qbo): boolean => timeEntryKey(a) === timeEntryKey(b);
