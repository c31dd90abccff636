/** QuickBooks Online subscription names as Intuit writes them. The API says "SimpleStart"; people read "Simple Start". */
const planNames: Record<string, string> = {
  SimpleStart: 'Simple Start',
  Essentials: 'Essentials',
  Plus: 'Plus',
  Advanced: 'Advanced',
};

/** "Plus" → "QuickBooks Online Plus"; an unknown plan keeps its own name after the product name. */
export function quickbooksPlanName(plan: string): string {
  return `QuickBooks Online ${planNames[plan] ?? plan}`;
}
