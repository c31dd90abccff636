// QuickBooks' arithmetic for item lines, exact in decimal: the sandbox refuses with it (6070) and the outbox
// schema checks documents with it, so a line we accept is never one QuickBooks refuses, and the reverse.

/** A decimal as an integer count of 10^-scale units, exactly (JSON numbers arrive as binary floats). */
export function scaled(value: unknown, scale: number): bigint | null {
  const text = typeof value === 'number' ? value.toFixed(scale + 2) : typeof value === 'string' ? value.trim() : '';
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return null;
  const fraction = (match[3] ?? '').padEnd(scale, '0').slice(0, scale);
  const units = BigInt(`${match[2]}${fraction}`);
  return match[1] === '-' ? -units : units;
}

/** UnitPrice × Qty in cents, rounded half away from zero as QuickBooks rounds line amounts to two decimals. */
export function lineAmountCents(unitPrice: unknown, qty: unknown): bigint | null {
  // QuickBooks keeps up to 7 decimals in UnitPrice and Qty, so the product is exact at 10^-14.
  const price = scaled(unitPrice, 7);
  const quantity = scaled(qty, 7);
  if (price === null || quantity === null) return null;
  const product = price * quantity;
  const unit = 10n ** 12n;
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const cents = (magnitude + unit / 2n) / unit;
  return negative ? -cents : cents;
}

/** Cents as a decimal with two places: 101n → "1.01", -13n → "-0.13". */
export function centsText(cents: bigint): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
