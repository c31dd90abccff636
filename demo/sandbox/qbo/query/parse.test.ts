import { describe, expect, it } from 'vitest';
import { parseQuery, QueryError } from './parse.ts';

function fails(text: string): QueryError {
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseQuery', () => {
  it('parses the full grammar in any keyword case', () => {
    const query = parseQuery(
      "select * from vendor where Active IN (true, false) and DisplayName LIKE 'Acme%' and Metadata.LastUpdatedTime > '2024-01-01T00:00:00-08:00' orderby Id desc startposition 11 maxresults 5",
    );
    expect(query).toEqual({
      count: false,
      fields: null,
      entity: 'vendor',
      where: [
        { field: 'Active', op: 'IN', value: [true, false] },
        { field: 'DisplayName', op: 'LIKE', value: 'Acme%' },
        { field: 'Metadata.LastUpdatedTime', op: '>', value: '2024-01-01T00:00:00-08:00' },
      ],
      orderBy: [{ field: 'Id', desc: true }],
      startPosition: 11,
      maxResults: 5,
    });
  });

  it('parses COUNT(*) and defaults paging to 1/100', () => {
    expect(parseQuery('SELECT COUNT(*) FROM Invoice')).toMatchObject({ count: true, entity: 'Invoice', startPosition: 1, maxResults: 100 });
  });

  it('unescapes quotes the way node-quickbooks escapes them', () => {
    expect(parseQuery("SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien'").where[0]?.value).toBe("O'Brien");
  });

  it('refuses MAXRESULTS over 1000 with 4001 and Intuit wording', () => {
    const error = fails('SELECT * FROM Vendor MAXRESULTS 1500');
    expect(error.code).toBe('4001');
    expect(error.detail).toBe('QueryValidationError: value 1500 is too large. Max allowed value is 1000');
  });

  it('refuses STARTPOSITION 0', () => {
    expect(fails('SELECT * FROM Vendor STARTPOSITION 0').detail).toBe('QueryValidationError: value 0 is too small. Min allowed value is 1');
  });

  it('refuses OR, a broken property list and trailing garbage as parse errors', () => {
    expect(fails("SELECT * FROM Vendor WHERE Id = '1' OR Id = '2'").code).toBe('4000');
    expect(fails('SELECT Id, FROM Vendor').code).toBe('4000');
    expect(fails('SELECT Id DisplayName FROM Vendor').code).toBe('4000');
    expect(fails('SELECT * FROM Vendor WHERE').code).toBe('4000');
  });

  it('parses a property list, which Intuit documents beside * and COUNT(*)', () => {
    expect(parseQuery('SELECT Id, DisplayName FROM Vendor')).toMatchObject({ count: false, fields: ['Id', 'DisplayName'], entity: 'Vendor' });
  });
});
