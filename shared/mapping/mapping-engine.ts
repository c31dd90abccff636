import { categoryProblems, categoryTargets, skusOf, suggestCategory } from './categories.ts';
import { isLineRefKind, lineRefProblems, lineRefTargets, suggestLineRef } from './line-refs.ts';
import { isActive, nameOf, recordWords, text } from './qbo-fields.ts';
import { staffProblems, staffTargets, suggestStaff } from './staff.ts';
import { suggestTaxCode, taxCodeFacts, taxProblems, taxTargets, type TaxCodeFacts } from './tax-rates.ts';
import { taxModeOf } from './tax-mode.ts';
import type { CompanyLists, DefaultKey, HostCategory, HostProduct, HostRecordOf, HostStaff, HostTaxRate, MappingKind, OrganizationDefaults, Problem, Suggestion, Target, TargetRef, TaxMode } from './types.ts';

/** The company's lists read once, for any number of checks and suggestions. */
export interface MappingContext {
  lists: CompanyLists;
  mode: TaxMode;
  codes: TaxCodeFacts[];
}

export function mappingContext(lists: CompanyLists): MappingContext {
  return { lists, mode: taxModeOf(lists), codes: taxCodeFacts(lists) };
}

export type MappingStatus = 'mapped' | 'needs_attention' | 'unmapped';

export interface MappingRow<K extends MappingKind = MappingKind> {
  host: HostRecordOf<K>;
  /** The stored mapping, if any. */
  target: TargetRef | null;
  status: MappingStatus;
  /** What is wrong with the stored mapping (needs_attention), or why nothing is suggested (unmapped). */
  problems: Problem[];
  suggestion: Suggestion | null;
  /** Ids of the targets valid for this row (tax rates: only codes right for its uses and rate); null = every active target. */
  choices: string[] | null;
}

export interface MappingPlan<K extends MappingKind = MappingKind> {
  kind: K;
  mode: TaxMode;
  targets: Target[];
  rows: MappingRow<K>[];
}

/** Every QuickBooks record a row of this kind may map to. */
export function targetsFor(context: MappingContext, kind: MappingKind): Target[] {
  if (isLineRefKind(kind)) return lineRefTargets(context.lists, kind);
  if (kind === 'tax-rates') return taxTargets(context.mode, context.codes);
  if (kind === 'billable-categories') return categoryTargets(context.lists);
  return staffTargets(context.lists);
}

/** Everything wrong with mapping `host` to `target` (empty: it is valid). */
export function mappingProblems<K extends MappingKind>(context: MappingContext, kind: K, host: HostRecordOf<K>, target: TargetRef | null): Problem[] {
  if (isLineRefKind(kind)) return lineRefProblems(context.lists, context.mode, kind, host as HostProduct, target);
  if (kind === 'tax-rates') {
    if (target && target.type !== 'TaxCode') return [{ code: 'wrong_type', message: `A tax rate maps to a QuickBooks tax code, not ${recordWords(target.type)}.` }];
    return taxProblems(context.mode, context.codes, host as HostTaxRate, target?.id ?? null);
  }
  if (kind === 'billable-categories') return categoryProblems(context.lists, host as HostCategory, target);
  return staffProblems(context.lists, host as HostStaff, target);
}

/**
 * One row per host record: its stored mapping checked against QuickBooks as it is now (mapped, or needs attention
 * naming every problem), a suggestion with reasons for rows not mapped, and the valid choices for the picker.
 */
export function planMappings<K extends MappingKind>(context: MappingContext, kind: K, hosts: HostRecordOf<K>[], stored: ReadonlyMap<string, TargetRef>): MappingPlan<K> {
  const targets = targetsFor(context, kind);
  const staffSuggestions = kind === 'staff' ? suggestStaff(context.lists, hosts as HostStaff[], stored) : null;
  const skus = kind === 'billable-categories' ? skusOf(context.lists) : null;
  const rows = hosts.map((host): MappingRow<K> => {
    const target = stored.get(host.id) ?? null;
    let suggestion: Suggestion | null = null;
    let why: Problem | null = null;
    if (kind === 'tax-rates') ({ suggestion, problem: why } = suggestTaxCode(context.mode, context.codes, host as HostTaxRate));
    else if (kind === 'billable-categories') ({ suggestion, problem: why } = suggestCategory(targets, skus!, host as HostCategory));
    else if (isLineRefKind(kind)) suggestion = suggestLineRef(targets, context.lists, kind, host as HostProduct);
    else [suggestion, why] = [staffSuggestions!.suggestions.get(host.id) ?? null, staffSuggestions!.problems.get(host.id) ?? null];
    const choices = kind === 'tax-rates'
      ? targets.filter((candidate) => candidate.active && mappingProblems(context, kind, host, candidate).length === 0).map((candidate) => candidate.id)
      : null;
    if (target) {
      const problems = mappingProblems(context, kind, host, target);
      return { host, target, status: problems.length === 0 ? 'mapped' : 'needs_attention', problems, suggestion, choices };
    }
    return { host, target: null, status: 'unmapped', problems: why ? [why] : [], suggestion, choices };
  });
  return { kind, mode: context.mode, targets, rows };
}

const DEFAULT_TYPES: Record<DefaultKey, 'TaxAgency' | 'Class' | 'Department' | 'Item' | 'Account'> = {
  tax_agency: 'TaxAgency',
  class: 'Class',
  department: 'Department',
  fallback_item: 'Item',
  fallback_account: 'Account',
};

const DEFAULT_WORDS: Record<DefaultKey, string> = {
  tax_agency: 'default tax agency',
  class: 'default class',
  department: 'default location',
  fallback_item: 'item for unmapped lines',
  fallback_account: 'account for unmapped lines',
};

function listOf(context: MappingContext, key: DefaultKey) {
  const { lists } = context;
  return { tax_agency: lists.taxAgencies, class: lists.classes, department: lists.departments, fallback_item: lists.items, fallback_account: lists.accounts }[key];
}

export const defaultTargetType = (key: DefaultKey) => DEFAULT_TYPES[key];

/** Whether the company uses a default at all (classes and locations need tracking on) and what it may be. */
export function defaultChoice(context: MappingContext, key: DefaultKey): { enabled: boolean; targets: Target[] } {
  const enabled = key === 'tax_agency' ? context.mode.has_agencies : key === 'class' ? context.mode.class_tracking : key === 'department' ? context.mode.department_tracking : true;
  const targets = key === 'fallback_item' || key === 'fallback_account'
    ? categoryTargets(context.lists).filter((target) => target.type === DEFAULT_TYPES[key])
    : listOf(context, key).map((record): Target => ({ type: DEFAULT_TYPES[key], id: text(record, 'Id'), name: nameOf(record), active: isActive(record), detail: text(record, 'TaxRegistrationNumber') }));
  return { enabled, targets };
}

/** Choices for every organization default. */
export function defaultTargets(context: MappingContext): Record<DefaultKey, { enabled: boolean; targets: Target[] }> {
  return Object.fromEntries((Object.keys(DEFAULT_TYPES) as DefaultKey[]).map((key) => [key, defaultChoice(context, key)])) as Record<DefaultKey, { enabled: boolean; targets: Target[] }>;
}

/** Problems of one organization default; null (no default) is always fine. */
export function defaultProblems(context: MappingContext, key: DefaultKey, id: string | null | undefined): Problem[] {
  if (id === null || id === undefined) return [];
  const choice = defaultChoice(context, key);
  const words = DEFAULT_WORDS[key];
  if (!choice.enabled) {
    const why = key === 'tax_agency' ? 'QuickBooks computes the tax for this company, so there is no agency to choose' : `this company has ${key === 'class' ? 'class' : 'location'} tracking switched off`;
    return [{ code: 'not_tracked', message: `The ${words} can't be set: ${why}.` }];
  }
  const target = choice.targets.find((candidate) => candidate.id === id);
  if (!target) return [{ code: 'not_found', message: `The ${words} (${id}) does not exist in QuickBooks or can't be used on lines.` }];
  if (!target.active) return [{ code: 'inactive', message: `The ${words} "${target.name}" is inactive in QuickBooks.` }];
  return [];
}

export function defaultsProblems(context: MappingContext, defaults: OrganizationDefaults): { key: DefaultKey; problems: Problem[] }[] {
  return (Object.keys(DEFAULT_TYPES) as DefaultKey[]).map((key) => ({ key, problems: defaultProblems(context, key, defaults[key]) })).filter((entry) => entry.problems.length > 0);
}
