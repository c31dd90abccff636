import { chartOfAccounts, type AccountRole, type AccountTemplate } from './chart-of-accounts.ts';
import { hasClassTracking, hasPurchaseOrders, resolveSize, type CompanySize, type CompanySpec, type Plan } from './company-spec.ts';
import { ENTITY_NAMES, NAME_LISTS, SHARED_NAME_SPACE, TRANSACTIONS, type EntityName } from './entity-kinds.ts';
import { generateEntity } from './generator/generate.ts';
import { REF_TARGETS } from './api/references.ts';
import { generatedItemName, generatedPartyName, isCustomerProject } from './generator/name-lists.ts';
import { className, departmentName, paymentMethods, TERMS } from './generator/reference.ts';
import { settlementOf, type Settlement } from './generator/settlement.ts';
import { JsonArena } from './json-arena.ts';
import { Ledger } from './ledger.ts';
import { effectsOf } from './postings.ts';
import { DAY_MS, localDay } from './qbo-time.ts';
import { hashString, rngFor, type Rng } from './random.ts';
import { REGIONS, type CountryCode, type Region } from './regions.ts';
import { TAX_SETUPS, type TaxSetup } from './tax-setup.ts';

export type Json = Record<string, unknown>;

/** A contiguous run of ids holding the generated entities of one type. */
export interface Block {
  type: EntityName;
  /** Id of entity 0 is base + 1. */
  base: number;
  count: number;
  typeHash: number;
  startMs: number;
  slotMs: number;
}

/** An overlay entry: the current state of an entity written through the API (null entity = deleted). */
export interface StoredEntry {
  entity: Json | null;
  timeMs: number;
}

export type ChangeOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Merge';

export interface Change {
  type: EntityName;
  id: number;
  operation: ChangeOperation;
  timeMs: number;
}

const HISTORY_YEARS = 3;
/** Every 23rd generated name-list entry is inactive, so importers that forget inactive records are caught. */
const INACTIVE_EVERY = 23;
const PATTERN_INACTIVE: ReadonlySet<EntityName> = new Set(['Vendor', 'Customer', 'Employee', 'Item']);
/** Name lists whose entries nest under a parent (ParentRef), with a colon-joined FullyQualifiedName. */
const NESTED_NAMES: ReadonlySet<EntityName> = new Set(['Customer', 'Account', 'Class', 'Department', 'Item']);
const REFERENCE_TYPES: ReadonlySet<EntityName> = new Set(['Account', 'TaxAgency', 'TaxRate', 'TaxCode', 'Term', 'PaymentMethod', 'Class', 'Department']);

export interface CompanyInit {
  realmId: string;
  spec: CompanySpec;
  nowMs: number;
}

/**
 * One QuickBooks company. Generated entities are never stored: entity i of a type is rebuilt on demand from
 * (seed, type, i), with ids and timestamps that grow with i. Only what the API changed lives in an overlay, so a
 * million-entity company costs the memory of its aggregates and its changes.
 */
export class Company {
  readonly realmId: string;
  readonly name: string;
  readonly country: CountryCode;
  readonly plan: Plan;
  readonly seed: string;
  readonly seedHash: number;
  readonly region: Region;
  readonly tax: TaxSetup;
  /** US automated sales tax (Preferences.TaxPrefs.PartnerTaxEnabled); false elsewhere. */
  readonly automatedSalesTax: boolean;
  readonly chart: AccountTemplate[];
  readonly size: CompanySize;
  /** IANA zone in which the company's times and days are written. */
  readonly timeZone: string;
  /** Generated history runs from here to `historyEndMs` (midnight UTC of the creation day). */
  readonly historyStartMs: number;
  readonly historyEndMs: number;
  readonly invoiceSettlement: Settlement;
  readonly billSettlement: Settlement;
  readonly ledger = new Ledger();
  /** requestid → first response, replayed for repeats. */
  readonly replies = new Map<string, { status: number; body: unknown; atMs: number }>();

  /** The remembered answer to a requestid, while it is younger than `windowMs` (the real service forgets them too). */
  replyFor(requestId: string, nowMs: number, windowMs: number): { status: number; body: unknown } | undefined {
    const reply = this.replies.get(requestId);
    if (!reply) return undefined;
    if (nowMs - reply.atMs > windowMs) {
      this.replies.delete(requestId);
      return undefined;
    }
    return reply;
  }
  readonly blocks = new Map<EntityName, Block>();
  singletons: { CompanyInfo: Json | null; Preferences: Json | null } = { CompanyInfo: null, Preferences: null };
  onChange: ((change: Change) => void) | null = null;

  #nextId: number;
  readonly #typeHashes = new Map<EntityName, number>();
  readonly #overlay = new Map<EntityName, Map<number, StoredEntry>>();
  readonly #touched = new Map<EntityName, number[]>();
  readonly #created = new Map<EntityName, number[]>();
  readonly #roles = new Map<AccountRole, number[]>();
  #nameIndexes: Map<string, Map<string, { type: EntityName; id: number }>> | null = null;
  #itemAccounts = new Map<number, { income: number | null; expense: number | null }>();
  /**
   * Bumped by every change to the company (save and remove are the only ways in). A generated entity is a function
   * of the seed, the ledger (balances) and the overlay (reference names), and those change only there: the clock,
   * the settings and the singletons feed no generated entity.
   */
  #version = 0;
  /** Generated entities' JSON text, per type, as of `version`; null until `warmJson`. */
  #json: { version: number; types: Map<EntityName, JsonArena>; entities: number; bytes: number } | null = null;

  constructor(init: CompanyInit) {
    const spec = init.spec;
    this.realmId = init.realmId;
    this.country = spec.country ?? 'US';
    this.plan = spec.plan ?? 'Plus';
    this.seed = String(spec.seed ?? init.realmId);
    this.seedHash = hashString(this.seed);
    this.region = REGIONS[this.country];
    this.tax = TAX_SETUPS[this.country];
    this.automatedSalesTax = this.country === 'US' && spec.automated_sales_tax !== false;
    this.chart = chartOfAccounts(this.country);
    this.timeZone = this.region.timeZone;
    this.name = spec.name ?? `Sandbox Company ${this.country} ${init.realmId.slice(-4)}`;
    this.historyEndMs = Math.floor(init.nowMs / DAY_MS) * DAY_MS;
    this.historyStartMs = this.historyEndMs - HISTORY_YEARS * 365 * DAY_MS;

    const size = resolveSize(spec.size);
    if (!hasClassTracking(this.plan)) {
      size.classes = 0;
      size.departments = 0;
    }
    if (!hasPurchaseOrders(this.plan)) size.purchase_orders = 0;
    this.invoiceSettlement = settlementOf(size.invoices, size.payments);
    this.billSettlement = settlementOf(size.bills, size.bill_payments);
    size.payments = this.invoiceSettlement.payments;
    size.bill_payments = this.billSettlement.payments;
    this.size = size;

    this.chart.forEach((account, index) => {
      const list = this.#roles.get(account.role) ?? [];
      list.push(index);
      this.#roles.set(account.role, list);
    });
    let base = 0;
    for (const type of ENTITY_NAMES) {
      const count = this.#generatedCount(type);
      const reference = REFERENCE_TYPES.has(type);
      const startMs = reference ? this.historyStartMs : this.historyStartMs + DAY_MS;
      const spanMs = this.historyEndMs - startMs - 3_600_000;
      const typeHash = hashString(type);
      this.#typeHashes.set(type, typeHash);
      this.blocks.set(type, { type, base, count, typeHash, startMs, slotMs: reference ? 1000 : spanMs / Math.max(1, count) });
      base += count;
    }
    this.#nextId = base + 1;
    this.#buildLedger();
  }

  #generatedCount(type: EntityName): number {
    const s = this.size;
    switch (type) {
      case 'Account': return this.chart.length;
      case 'TaxAgency': return this.tax.agencies.length;
      case 'TaxRate': return this.tax.rates.length;
      case 'TaxCode': return this.tax.codes.length;
      case 'Term': return TERMS.length;
      case 'PaymentMethod': return paymentMethods(this).length;
      case 'Class': return s.classes;
      case 'Department': return s.departments;
      case 'Item': return s.items;
      case 'Employee': return s.employees;
      case 'Vendor': return s.vendors;
      case 'Customer': return s.customers;
      case 'Invoice': return s.invoices;
      case 'Bill': return s.bills;
      case 'PurchaseOrder': return s.purchase_orders;
      case 'Payment': return s.payments;
      case 'BillPayment': return s.bill_payments;
      case 'JournalEntry': return s.journal_entries;
      case 'Purchase': return s.purchases;
      case 'Deposit': return s.deposits;
      case 'CreditMemo': return s.credit_memos;
      case 'VendorCredit': return s.vendor_credits;
      case 'TimeActivity': return s.time_activities;
    }
  }

  /** One pass over the generated transactions to seed the ledger; nothing of it is kept but the sums. */
  #buildLedger(): void {
    for (const type of TRANSACTIONS) {
      const count = this.countOf(type);
      if (type === 'PurchaseOrder' || type === 'TimeActivity') continue;
      for (let index = 0; index < count; index++) {
        this.ledger.apply(effectsOf(this, type, generateEntity(this, type, index)), 1);
      }
    }
  }

  block(type: EntityName): Block {
    const block = this.blocks.get(type);
    if (!block) throw new Error(`unknown type ${type}`);
    return block;
  }

  /** Number of generated entities of a type (created ones not included). */
  countOf(type: EntityName): number {
    return this.blocks.get(type)?.count ?? 0;
  }

  idOf(type: EntityName, index: number): number {
    return this.block(type).base + index + 1;
  }

  /** Index of a generated entity with this id, or -1. */
  indexOf(type: EntityName, id: number): number {
    const block = this.block(type);
    const index = id - block.base - 1;
    return index >= 0 && index < block.count ? index : -1;
  }

  rng(type: EntityName, index: number): Rng {
    return rngFor(this.seedHash, this.#typeHashes.get(type) ?? 0, index);
  }

  /** Create and last-update instants of generated entity i: whole seconds, non-decreasing in i. */
  timesOf(type: EntityName, index: number): { createMs: number; updatedMs: number } {
    const block = this.block(type);
    const slotStart = block.startMs + Math.floor(index * block.slotMs);
    const jitter = ((Math.imul(index + 1, 0x9e3779b1) ^ this.seedHash) >>> 0) / 4294967296;
    const createMs = Math.floor(slotStart / 1000) * 1000;
    const updatedMs = Math.floor((slotStart + jitter * block.slotMs * 0.5) / 1000) * 1000;
    return { createMs, updatedMs };
  }

  dayOf(type: EntityName, index: number): number {
    return localDay(this.timesOf(type, index).createMs, this.timeZone);
  }

  /** Today in the company's zone by the sandbox clock, set by the caller before writes. */
  today(): number {
    return localDay(this.nowMs, this.timeZone);
  }

  /** The sandbox clock's time during the current request (set by the API layer). */
  nowMs = Date.now();

  isPatternInactive(type: EntityName, index: number): boolean {
    return PATTERN_INACTIVE.has(type) && index % INACTIVE_EVERY === INACTIVE_EVERY - 1;
  }

  /** Count of pattern-inactive generated indexes in [0, end). */
  patternInactiveBefore(type: EntityName, end: number): number {
    return PATTERN_INACTIVE.has(type) ? Math.floor(end / INACTIVE_EVERY) : 0;
  }

  accountsWithRole(role: AccountRole): number[] {
    return this.#roles.get(role) ?? [];
  }

  /** Income and expense accounts: the ones a ProfitAndLoss shows and cash basis re-times. */
  isProfitAndLossAccount(accountId: number): boolean {
    const index = this.indexOf('Account', accountId);
    const template = index >= 0 ? this.chart[index] : undefined;
    const entity = this.entry('Account', accountId)?.entity;
    const classification = entity ? entity['Classification'] : template?.classification;
    return classification === 'Revenue' || classification === 'Expense';
  }

  accountIdWithRole(role: AccountRole): number {
    return this.idOf('Account', this.accountsWithRole(role)[0] ?? 0);
  }

  fiscalYearStartMonthName(): string {
    return this.country === 'UK' || this.country === 'AU' || this.country === 'ZA' ? (this.country === 'AU' ? 'July' : this.country === 'UK' ? 'April' : 'March') : 'January';
  }

  /** Fiscal year start month, 0-based. */
  fiscalYearStartMonth(): number {
    return ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'].indexOf(this.fiscalYearStartMonthName());
  }

  generatedNameOf(type: EntityName, index: number): string {
    switch (type) {
      case 'Vendor':
      case 'Customer':
      case 'Employee':
        return generatedPartyName(this, type, index);
      case 'Item': return generatedItemName(this, index);
      case 'Account': return this.chart[index]?.name ?? '';
      case 'Term': return TERMS[index]?.name ?? '';
      case 'PaymentMethod': return paymentMethods(this)[index]?.name ?? '';
      case 'Class': return className(index);
      case 'Department': return departmentName(index);
      case 'TaxCode': return this.tax.codes[index]?.name ?? '';
      case 'TaxRate': return this.tax.rates[index]?.name ?? '';
      case 'TaxAgency': return this.tax.agencies[index]?.name ?? '';
      default: return '';
    }
  }

  /**
   * The name references to an entity carry now: its fully qualified name, i.e. for a child (a customer's
   * project, a sub-account) the parent's reference name, a colon, its own name. Derived at every answer, as
   * QuickBooks resolves reference names when it answers: a rename (or a deactivation's " (deleted)") shows
   * at once in every reference and in the children's full names, whoever was written when.
   */
  refNameOf(type: EntityName, id: number): string {
    const entity = this.#overlay.get(type)?.get(id)?.entity;
    let own: string;
    let parent: number | null = null;
    if (entity) {
      own = String((SHARED_NAME_SPACE.has(type) ? entity['DisplayName'] : entity['Name']) ?? entity['FullyQualifiedName'] ?? '');
      const parentId = Number((entity['ParentRef'] as { value?: unknown } | undefined)?.value);
      if (NESTED_NAMES.has(type) && Number.isInteger(parentId) && parentId !== id) parent = parentId;
    } else {
      const index = this.indexOf(type, id);
      if (index < 0) return '';
      own = this.generatedNameOf(type, index);
      if (type === 'Customer' && isCustomerProject(index)) parent = this.idOf('Customer', index - 9);
    }
    return parent === null ? own : `${this.refNameOf(type, parent)}:${own}`;
  }

  /** An entity written through the API as QuickBooks answers it now: reference names and full name resolved. */
  #withLiveNames(type: EntityName, id: number, entity: Json): Json {
    const resolve = (node: unknown, key: string | null): unknown => {
      if (Array.isArray(node)) {
        let copy: unknown[] | null = null;
        node.forEach((child, index) => {
          const next = resolve(child, key);
          if (next !== child) (copy ??= [...node])[index] = next;
        });
        return copy ?? node;
      }
      if (typeof node !== 'object' || node === null) return node;
      const record = node as Json;
      if (key !== null && key.endsWith('Ref') && 'value' in record) {
        if (!('name' in record)) return record;
        const target = key === 'ParentRef' ? type : key === 'EntityRef' ? (String(record['type'] ?? '') as EntityName) : REF_TARGETS[key];
        const targetId = Number(record['value']);
        if (!target || !NAME_LISTS.has(target) || !Number.isInteger(targetId)) return record;
        const name = this.refNameOf(target, targetId);
        return name === '' || name === record['name'] ? record : { ...record, name };
      }
      let copy: Json | null = null;
      for (const [childKey, child] of Object.entries(record)) {
        const next = resolve(child, childKey);
        if (next !== child) (copy ??= { ...record })[childKey] = next;
      }
      return copy ?? record;
    };
    const live = resolve(entity, null) as Json;
    if (!NESTED_NAMES.has(type) || !('FullyQualifiedName' in live)) return live;
    const full = this.refNameOf(type, id);
    return live['FullyQualifiedName'] === full ? live : { ...live, FullyQualifiedName: full };
  }

  // ---- reading ---------------------------------------------------------------------------------------------

  /** Overlay entry of an id, if the API ever wrote it. */
  entry(type: EntityName, id: number): StoredEntry | undefined {
    return this.#overlay.get(type)?.get(id);
  }

  overlayOf(type: EntityName): ReadonlyMap<number, StoredEntry> {
    return this.#overlay.get(type) ?? new Map();
  }

  /** Sorted generated indexes the overlay shadows. */
  touchedOf(type: EntityName): readonly number[] {
    return this.#touched.get(type) ?? [];
  }

  /** The current entity with this id, or null when it never existed or was deleted. */
  get(type: EntityName, id: number): Json | null {
    const entry = this.entry(type, id);
    if (entry) return entry.entity ? this.#withLiveBalances(type, id, this.#withLiveNames(type, id, entry.entity)) : null;
    const index = this.indexOf(type, id);
    return index >= 0 ? generateEntity(this, type, index) : null;
  }

  /** Balances move with every transaction, so a stored name or account shows the ledger's figure, not its own. */
  #withLiveBalances(type: EntityName, id: number, entity: Json): Json {
    if (type === 'Vendor' || type === 'Customer') {
      const balance = this.ledger.partyBalanceCents(type, id) / 100;
      if (entity['Balance'] === balance) return entity;
      const live: Json = { ...entity, Balance: balance };
      if (type === 'Customer') live['BalanceWithJobs'] = balance;
      return live;
    }
    if (type === 'Account') {
      const classification = String(entity['Classification'] ?? 'Asset') as Parameters<Ledger['accountBalanceCents']>[1];
      const balance = this.ledger.accountBalanceCents(id, classification) / 100;
      return entity['CurrentBalance'] === balance ? entity : { ...entity, CurrentBalance: balance, CurrentBalanceWithSubAccounts: balance };
    }
    return entity;
  }

  /** True when an entity with this id exists now or existed (deleted) in this type. */
  everExisted(type: EntityName, id: number): boolean {
    return this.entry(type, id) !== undefined || this.indexOf(type, id) >= 0;
  }

  incomeAccountOfItem(itemId: number | null): number | null {
    return itemId === null ? null : this.#itemAccountsOf(itemId).income;
  }

  expenseAccountOfItem(itemId: number | null): number | null {
    return itemId === null ? this.accountIdWithRole('cogs') : (this.#itemAccountsOf(itemId).expense ?? this.accountIdWithRole('cogs'));
  }

  #itemAccountsOf(itemId: number): { income: number | null; expense: number | null } {
    let cached = this.#itemAccounts.get(itemId);
    if (!cached) {
      const item = this.get('Item', itemId);
      const id = (ref: unknown) => {
        const value = Number((ref as { value?: unknown } | undefined)?.value);
        return Number.isInteger(value) ? value : null;
      };
      cached = { income: id(item?.['IncomeAccountRef']) ?? this.accountIdWithRole('income'), expense: id(item?.['ExpenseAccountRef']) };
      this.#itemAccounts.set(itemId, cached);
    }
    return cached;
  }

  // ---- cached JSON text of generated entities ------------------------------------------------------------------

  /**
   * Serialises every generated entity into the JSON cache (opt-in: the control API's `warm`), so query pages can be
   * answered from text instead of building and stringifying objects. Any later change drops the whole cache.
   */
  warmJson(): { entities: number; bytes: number } {
    // The old text goes first: a second warm of a million entities would otherwise hold both at its peak.
    this.#json = null;
    const types = new Map<EntityName, JsonArena>();
    let entities = 0;
    let bytes = 0;
    for (const type of ENTITY_NAMES) {
      const count = this.countOf(type);
      const arena = new JsonArena(count);
      for (let index = 0; index < count; index++) arena.set(index, JSON.stringify(generateEntity(this, type, index)));
      arena.finish();
      types.set(type, arena);
      entities += count;
      bytes += arena.bytes;
    }
    this.#json = { version: this.#version, types, entities, bytes };
    return { entities, bytes };
  }

  /** The cached JSON text of a type's generated entities (by index), or null when cold or no longer current. */
  cachedJsonOf(type: EntityName): JsonArena | null {
    const json = this.#json;
    return json && json.version === this.#version ? (json.types.get(type) ?? null) : null;
  }

  /** The JSON cache as stats reports it: whether it is current (warm and no change since), and its size. */
  jsonCacheState(): { current: boolean; entities: number; bytes: number } {
    const json = this.#json;
    return json && json.version === this.#version ? { current: true, entities: json.entities, bytes: json.bytes } : { current: false, entities: 0, bytes: 0 };
  }


  /** Every mutation starts here: the cached JSON may no longer be what the generators would build now. */
  #changing(): void {
    this.#version++;
    this.#json = null;
  }

  // ---- writing ---------------------------------------------------------------------------------------------

  allocateId(): number {
    return this.#nextId++;
  }

  /** Writes an entity's new state (create or update), keeping the ledger and name indexes in step. */
  save(type: EntityName, entity: Json, operation: ChangeOperation, timeMs: number): void {
    this.#changing();
    const id = Number(entity['Id']);
    const before = this.get(type, id);
    this.#shadow(type, id);
    if (TRANSACTIONS.has(type)) {
      if (before) this.ledger.apply(effectsOf(this, type, before), -1);
      this.ledger.apply(effectsOf(this, type, entity), 1);
    }
    if (type === 'Item') this.#itemAccounts.delete(id);
    this.#unindexName(type, id, before);
    this.#overlay.get(type)?.set(id, { entity, timeMs });
    this.#indexName(type, id, entity);
    this.onChange?.({ type, id, operation, timeMs });
  }

  /** Deletes a transaction for real: it disappears from reads and queries and shows as Deleted in CDC. */
  remove(type: EntityName, id: number, timeMs: number): void {
    this.#changing();
    const before = this.get(type, id);
    this.#shadow(type, id);
    if (before && TRANSACTIONS.has(type)) this.ledger.apply(effectsOf(this, type, before), -1);
    this.#overlay.get(type)?.set(id, { entity: null, timeMs });
    this.onChange?.({ type, id, operation: 'Delete', timeMs });
  }

  #shadow(type: EntityName, id: number): void {
    let overlay = this.#overlay.get(type);
    if (!overlay) {
      overlay = new Map();
      this.#overlay.set(type, overlay);
    }
    if (overlay.has(id)) return;
    const index = this.indexOf(type, id);
    if (index >= 0) {
      const touched = this.#touched.get(type) ?? [];
      let lo = 0;
      let hi = touched.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((touched[mid] ?? 0) < index) lo = mid + 1;
        else hi = mid;
      }
      touched.splice(lo, 0, index);
      this.#touched.set(type, touched);
    } else {
      const created = this.#created.get(type) ?? [];
      created.push(id);
      this.#created.set(type, created);
    }
  }

  // ---- name uniqueness -------------------------------------------------------------------------------------

  static nameGroupOf(type: EntityName): string | null {
    if (SHARED_NAME_SPACE.has(type)) return 'party';
    return NAME_LISTS.has(type) || type === 'TaxCode' ? type : null;
  }

  static nameOfEntity(type: EntityName, entity: Json | null): string | null {
    if (!entity) return null;
    const name = SHARED_NAME_SPACE.has(type) ? entity['DisplayName'] : (entity['FullyQualifiedName'] ?? entity['Name']);
    return typeof name === 'string' && name.trim() !== '' ? name.trim().toLowerCase() : null;
  }

  /** Who holds a name in the type's namespace (Vendor, Customer and Employee share one), if anyone. */
  nameHolder(type: EntityName, name: string): { type: EntityName; id: number } | undefined {
    const group = Company.nameGroupOf(type);
    if (!group) return undefined;
    return this.#namesOf(group).get(name.trim().toLowerCase());
  }

  #namesOf(group: string): Map<string, { type: EntityName; id: number }> {
    if (!this.#nameIndexes) this.#nameIndexes = new Map();
    let index = this.#nameIndexes.get(group);
    if (index) return index;
    index = new Map();
    this.#nameIndexes.set(group, index);
    const types: EntityName[] = group === 'party' ? ['Vendor', 'Customer', 'Employee'] : [group as EntityName];
    for (const type of types) {
      const touched = new Set(this.touchedOf(type));
      const count = this.countOf(type);
      for (let i = 0; i < count; i++) {
        if (touched.has(i)) continue;
        const name = this.generatedNameOf(type, i);
        const key = type === 'Customer' && i % 10 === 9 ? `${this.generatedNameOf(type, i - 9)}:${name}` : name;
        index.set((SHARED_NAME_SPACE.has(type) ? name : key).toLowerCase(), { type, id: this.idOf(type, i) });
      }
      for (const [id, entry] of this.overlayOf(type)) {
        const name = Company.nameOfEntity(type, entry.entity);
        if (name) index.set(name, { type, id });
      }
    }
    return index;
  }

  #indexName(type: EntityName, id: number, entity: Json | null): void {
    const group = Company.nameGroupOf(type);
    const name = Company.nameOfEntity(type, entity);
    if (group && name && this.#nameIndexes?.has(group)) this.#nameIndexes.get(group)?.set(name, { type, id });
  }

  #unindexName(type: EntityName, id: number, entity: Json | null): void {
    const group = Company.nameGroupOf(type);
    const name = Company.nameOfEntity(type, entity);
    const index = group ? this.#nameIndexes?.get(group) : undefined;
    if (name && index?.get(name)?.id === id) index.delete(name);
  }

  /** Entity counts now: generated minus deleted plus created. */
  entityCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const type of ENTITY_NAMES) {
      let count = this.countOf(type);
      for (const [id, entry] of this.overlayOf(type)) {
        const generated = this.indexOf(type, id) >= 0;
        if (generated && entry.entity === null) count--;
        if (!generated && entry.entity !== null) count++;
      }
      counts[type] = count;
    }
    return counts;
  }
}
