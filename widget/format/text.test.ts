import { expect } from '@open-wc/testing';
import { capitalize, fold } from './text.ts';

describe('fold', () => {
  it('matches typed text regardless of case and accents', () => {
    expect(fold('Café Crème')).to.equal('cafe creme');
    expect(fold('ÅNGSTRÖM Ltd')).to.equal('angstrom ltd');
    expect(fold('Müller Straße')).to.equal('muller strasse');
  });
});

describe('capitalize', () => {
  it('upper-cases only the first letter', () => {
    expect(capitalize('suppliers')).to.equal('Suppliers');
    expect(capitalize('')).to.equal('');
  });
});
