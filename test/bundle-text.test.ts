import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

/**
 * The widget bundle as hosts get it (`npm test` builds it first): its html`` literals are minified, and a
 * minifier that trims a template's leading space glues words on screen ("…automatically.Next try at").
 */
test('minifying the html literals keeps the space a template starts with', () => {
  const bundle = readFileSync(new URL('../dist/widget/ledgerlink.js', import.meta.url), 'utf8');
  expect(/` Next try at </.test(bundle), 'the template " Next try at …" lost its leading space in dist/widget/ledgerlink.js').toBe(true);
});
