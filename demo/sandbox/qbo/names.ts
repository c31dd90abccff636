/**
 * Name pools for people and businesses. Names are chosen by a bijection of the entity index so that names within a
 * type never repeat, and customers, vendors and employees draw from disjoint pools so that the generated company
 * already honours QuickBooks' rule that a display name is unique across all three.
 */
export const GIVEN_NAMES = [
  'Amelia', 'Oliver', 'Isla', 'Noah', 'Ava', 'Liam', 'Mia', 'Ethan', 'Chloe', 'Lucas', 'Grace', 'Mason', 'Zoe',
  'Logan', 'Emily', 'Jack', 'Harper', 'Leo', 'Ruby', 'Henry', 'Sofia', 'James', 'Maya', 'Samuel', 'Aria', 'Daniel',
  'Hannah', 'Thabo', 'Priya', 'Kenji', 'Fatima', 'Mateo', 'Aisha', 'Omar', 'Lerato', 'Nikhil', 'Siobhan', 'Callum',
  'Ngaio', 'Wei', 'Elena', 'Tomas', 'Ingrid', 'Rafael', 'Yuki', 'Sipho', 'Chantal', 'Declan', 'Imogen', 'Arjun',
  'Beatrice', 'Felix', 'Georgia', 'Hugo', 'Ivy', 'Jasper', 'Keira', 'Lachlan', 'Matilda', 'Nathan',
] as const;

export const FAMILY_NAMES = [
  'Smith', 'Nguyen', 'Patel', 'Garcia', 'Brown', 'Wilson', 'Taylor', 'Anderson', 'Thomas', 'Martin', 'Lee', 'Walker',
  'Hall', 'Young', 'King', 'Wright', 'Lopez', 'Hill', 'Scott', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter',
  'Mitchell', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards', 'Collins', 'Stewart',
  'Morris', 'Murphy', 'Cook', 'Rogers', 'Morgan', 'Cooper', 'Peterson', 'Reed', 'Bailey', 'Bell', 'Kelly', 'Howard',
  'Ward', 'Cox', 'Diaz', 'Richardson', 'Wood', 'Watson', 'Brooks', 'Bennett', 'Gray', 'James', 'Hughes', 'Price',
  'Sanders', 'Myers', 'Long', 'Ross', 'Foster', 'Dlamini', 'Naidoo', 'Botha', 'Tremblay', 'Gagnon', 'MacLeod',
  "O'Brien", 'Kowalski', 'Rossi', 'Müller', 'Tanaka', 'Kim', 'Chen', 'Singh', 'Okafor', 'Haddad', 'Fitzgerald',
] as const;

const PLACE_WORDS = [
  'Northside', 'Riverbend', 'Summit', 'Bayview', 'Cedar', 'Granite', 'Harbour', 'Ironbark', 'Juniper', 'Kingfisher',
  'Lakeside', 'Meridian', 'Oakridge', 'Pinecrest', 'Quarry', 'Redgum', 'Silverline', 'Tidewater', 'Upland',
  'Valley', 'Westgate', 'Yellowwood', 'Bluestone', 'Coastal', 'Driftwood', 'Eastwind', 'Foxglove', 'Goldfield',
  'Highland', 'Islington', 'Jacaranda', 'Kestrel', 'Larkspur', 'Millbrook', 'Newhaven', 'Orchard', 'Parkway',
] as const;

/** Vendors sell to the company: supply-side trades. */
const VENDOR_TRADES = [
  'Supply', 'Wholesale', 'Logistics', 'Office Products', 'Fuel', 'Packaging', 'Hardware', 'Electrical Supplies',
  'Telecom', 'Insurance Brokers', 'Printing', 'Freight', 'Timber Merchants', 'Equipment Hire', 'IT Services',
  'Cleaning Services', 'Uniforms', 'Paper Co', 'Tyre & Auto', 'Utilities',
] as const;

/** Customers buy from it: demand-side businesses. */
const CUSTOMER_TRADES = [
  'Cafe', 'Dental Studio', 'Builders', 'Bakery', 'Florist', 'Veterinary Clinic', 'Fitness', 'Architects', 'Bistro',
  'Property Group', 'Pharmacy', 'Motors', 'Gallery', 'Physiotherapy', 'Academy', 'Brewing', 'Hotel', 'Realty',
  'Medical Centre', 'Landscapes',
] as const;

export interface PersonName {
  given: string;
  family: string;
}

/** Spreads consecutive indexes over the name space (multiplier coprime with every pool size product used). */
function scatter(index: number, size: number): number {
  return (index * 7919) % size;
}

function at<T>(items: readonly T[], index: number): T {
  return items[index % items.length] as T;
}

/** Numbering beyond the pool keeps names unique in very large companies ("Amelia Smith 2"). */
function round(index: number, size: number): string {
  const n = Math.floor(index / size);
  return n === 0 ? '' : ` ${n + 1}`;
}

/** Person names: customers take even slots, employees odd ones, so the two never collide. */
export function personName(index: number, slot: 0 | 1): PersonName & { display: string } {
  const size = GIVEN_NAMES.length * FAMILY_NAMES.length;
  const half = Math.floor(size / 2);
  const within = scatter(index % half, half) * 2 + slot;
  const given = at(GIVEN_NAMES, within % GIVEN_NAMES.length);
  const family = at(FAMILY_NAMES, Math.floor(within / GIVEN_NAMES.length));
  return { given, family, display: `${given} ${family}${round(index, half)}` };
}

export function vendorBusinessName(index: number, suffix: string): string {
  const size = PLACE_WORDS.length * VENDOR_TRADES.length;
  const within = scatter(index % size, size);
  return `${at(PLACE_WORDS, within)} ${at(VENDOR_TRADES, Math.floor(within / PLACE_WORDS.length))}${round(index, size)} ${suffix}`;
}

export function customerBusinessName(index: number, suffix: string): string {
  const size = PLACE_WORDS.length * CUSTOMER_TRADES.length;
  const within = scatter(index % size, size);
  return `${at(PLACE_WORDS, within)} ${at(CUSTOMER_TRADES, Math.floor(within / PLACE_WORDS.length))}${round(index, size)} ${suffix}`;
}

export function emailLocalPart(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}
