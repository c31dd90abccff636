import { expect } from '@open-wc/testing';
import { endSentence } from './sentence.ts';

describe('endSentence', () => {
  it('adds one full stop, never a second after a name that ends in one', () => {
    expect(endSentence('Connected to Harbor Dental Group')).to.equal('Connected to Harbor Dental Group.');
    expect(endSentence('Connected to Cedar Printing Co.')).to.equal('Connected to Cedar Printing Co.');
    expect(endSentence('Is it connected?')).to.equal('Is it connected?');
    expect(endSentence('You chose “Birch Ltd.”')).to.equal('You chose “Birch Ltd.”');
    expect(endSentence('  ')).to.equal('');
  });
});
