import { describe, expect, test } from 'vitest';
import { joinRecords, MalformedPageError, RECORD_SEPARATOR, splitQueryPage } from './query-page.ts';

const records = (joined: Buffer) => (joined.length === 0 ? [] : joined.toString().split(RECORD_SEPARATOR).map((text) => JSON.parse(text) as unknown));

describe('a query answer split into its records without parsing it', () => {
  const invoice = (id: string) => ({ Id: id, DocNumber: `say "hi" \\ {not json} [${id}], "Id": "0"`, Line: [{ Id: '1', Amount: 5 }, { Id: '2', DetailType: 'x' }], CustomerRef: { value: '77', name: 'A "B" \\' } });
  const answer = { QueryResponse: { Invoice: ['12', '13', '140'].map(invoice), startPosition: 1, maxResults: 3 }, time: '2026-01-01T00:00:00Z' };

  test('each record as its own JSON text, with the count and the first and last entity Ids (never a line Id)', () => {
    for (const text of [JSON.stringify(answer), JSON.stringify(answer, null, 2)]) {
      const split = splitQueryPage(text, 'Invoice');
      expect({ ...split, joined: records(split.joined) }).toEqual({ joined: answer.QueryResponse.Invoice, received: 3, firstId: '12', lastId: '140' });
    }
    expect(splitQueryPage(JSON.stringify({ QueryResponse: { Invoice: [{ Line: [{ Id: '9' }], Id: '5' }] } }), 'Invoice')).toMatchObject({ received: 1, firstId: '5', lastId: '5' });
  });

  test('an empty page, another type, or an array elsewhere holds no records', () => {
    const none = { joined: Buffer.alloc(0), received: 0, firstId: null, lastId: null };
    expect(splitQueryPage('{"QueryResponse":{},"time":"2026-01-01T00:00:00Z"}', 'Invoice')).toEqual(none);
    expect(splitQueryPage('{"QueryResponse":{"Invoice":[ ]}}', 'Invoice')).toEqual(none);
    expect(splitQueryPage(JSON.stringify(answer), 'Bill')).toEqual(none);
    expect(splitQueryPage(JSON.stringify({ Other: { Invoice: [invoice('1')] }, QueryResponse: { Fault: [invoice('2')] } }), 'Invoice')).toEqual(none);
  });

  test('as jsonb reads it: a key given twice counts its last value; Ids that are no strings read as ->> reads them', () => {
    const text = '{"QueryResponse":{"Vendor":[{"Id":"1"}],"Vendor":[{"Id":"2","Id":"3"},{"Id":7},{"Id":null},{"Name":"no id"}]}}';
    const split = splitQueryPage(text, 'Vendor');
    expect(split).toMatchObject({ received: 4, firstId: '3', lastId: null });
    expect(records(split.joined)).toEqual([{ Id: '3' }, { Id: 7 }, { Id: null }, { Name: 'no id' }]);
    expect(splitQueryPage('{"QueryResponse":{"Vendor":[{"Name":"x"},{"Id":7}]}}', 'Vendor')).toMatchObject({ firstId: null, lastId: '7' });
  });

  test('text that is no JSON object throws instead of storing pieces', () => {
    for (const text of ['', '[]', '{"QueryResponse":{"Vendor":[{"Id":"1"}]}', '{"QueryResponse":{"Vendor":[{"Id":"1}]}}', '{"QueryResponse":{"Vendor":[{"Id":"1"}}}}', '{"QueryResponse":{"Vendor":[{"Id":"1\u001e"}]}}', '{}{}']) {
      expect(() => splitQueryPage(text, 'Vendor'), text).toThrow(MalformedPageError);
    }
  });

  test('records in hand join the same way; a raw RS inside a value is escaped by JSON.stringify', () => {
    const joined = joinRecords([{ Id: '1', Name: 'a\u001eb' }, { Id: 2 }]);
    expect(joined).toMatchObject({ received: 2, firstId: '1', lastId: '2' });
    expect(records(joined.joined)).toEqual([{ Id: '1', Name: 'a\u001eb' }, { Id: 2 }]);
    expect(joinRecords([])).toEqual({ joined: Buffer.alloc(0), received: 0, firstId: null, lastId: null });
  });
});
