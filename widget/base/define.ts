const warned = new Set<string>();

function warnOnce(code: string, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  console.warn(`[ledgerlink:${code}] ${message}`);
}

/**
 * Registers a custom element unless its tag is taken. A second copy of the bundle on the page (two script
 * tags, or a host that bundles us and also loads the CDN file) would otherwise throw on `define` and break
 * the page; instead the first copy keeps the tag and the second warns once.
 */
export function defineElement(tag: string, constructor: CustomElementConstructor): void {
  const existing = customElements.get(tag);
  if (existing === constructor) return;
  if (existing) {
    warnOnce('duplicate-element', `<${tag}> is already defined, probably by another copy of ledgerlink.js on this page; keeping the first. Load the bundle once.`);
    return;
  }
  customElements.define(tag, constructor);
}

/** Records this copy on the page; a second copy is detected and warned about once. */
export function announceBundle(version: string): void {
  const global = globalThis as { __ledgerlink?: { versions: string[] } };
  if (global.__ledgerlink) {
    warnOnce('duplicate-bundle', `ledgerlink.js ${version} was loaded, but ${global.__ledgerlink.versions.join(', ')} is already on this page. Components keep the first copy's definitions.`);
    global.__ledgerlink.versions.push(version);
    return;
  }
  global.__ledgerlink = { versions: [version] };
}
