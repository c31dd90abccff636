import { parseAst } from 'vite';
import { expect, test } from 'vitest';
import { gzipWithout, literalRanges } from './bundle-shares.ts';

test('the bench tells style sheets, HTML templates, other strings and code apart in a minified bundle', () => {
  const code = 'var u=(e)=>e,S=(e)=>e;const a=u`:host{display:block}.row{color:red}`,b=S`<p class="x">${c} left</p>`,d=`Sync now`,f="id";';
  const ranges = literalRanges(parseAst(code) as unknown as Parameters<typeof literalRanges>[0]);
  const texts = (kind: Parameters<typeof ranges.get>[0]) => ranges.get(kind)!.map(([start, end]) => code.slice(start, end));
  expect(texts('style sheets')).toEqual([':host{display:block}.row{color:red}']);
  expect(texts('HTML templates')).toEqual(['<p class="x">', ' left</p>']);
  expect(texts('other strings')).toEqual(['Sync now', '"id"']);
  expect(gzipWithout(code, [...ranges.values()].flat())).toBeLessThan(gzipWithout(code, []));
});
