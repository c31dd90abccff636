import { describe, expect, test } from 'vitest';
import { rangePageQuery } from '../bff/sync/import-run.ts';
import { cdcResumePoint } from '../bff/sync/incremental-run.ts';

const changed = (...times: string[]) => times.map((time, index) => ({ Id: String(index + 1), MetaData: { LastUpdatedTime: time } }));

describe('rangePageQuery', () => {
  test('keyset pages: Id order, no STARTPOSITION; name lists keep their inactive records', () => {
    expect(rangePageQuery('Invoice', null, null)).toBe('SELECT * FROM Invoice ORDERBY Id MAXRESULTS 1000');
    expect(rangePageQuery('Invoice', '1000', null)).toBe("SELECT * FROM Invoice WHERE Id > '1000' ORDERBY Id MAXRESULTS 1000");
    expect(rangePageQuery('Vendor', '7', '900')).toBe("SELECT * FROM Vendor WHERE Active IN (true, false) AND Id > '7' AND Id <= '900' ORDERBY Id MAXRESULTS 1000");
    expect(rangePageQuery('Bill', '3', null, ["Metadata.LastUpdatedTime > '2026-01-01T00:00:00.000Z'"])).toBe(
      "SELECT * FROM Bill WHERE Metadata.LastUpdatedTime > '2026-01-01T00:00:00.000Z' AND Id > '3' ORDERBY Id MAXRESULTS 1000",
    );
  });

  test('an Id is quoted as a value, never as query text', () => {
    expect(rangePageQuery('Invoice', "1' OR '1'='1", null)).toBe("SELECT * FROM Invoice WHERE Id > '1\\' OR \\'1\\'=\\'1' ORDERBY Id MAXRESULTS 1000");
  });
});

describe('cdcResumePoint', () => {
  const from = new Date('2026-03-01T10:00:00Z');

  test('asks again from one second before the newest change in an oldest-first answer', () => {
    expect(cdcResumePoint(changed('2026-03-01T02:00:05-08:00', '2026-03-01T02:00:09-08:00'), from)).toEqual(new Date('2026-03-01T10:00:08Z'));
  });

  test('cannot narrow: every change within a second of the window start, or an answer that is not oldest first', () => {
    expect(cdcResumePoint(changed('2026-03-01T02:00:00-08:00', '2026-03-01T02:00:01-08:00'), from)).toBeUndefined();
    expect(cdcResumePoint(changed('2026-03-01T02:00:09-08:00', '2026-03-01T02:00:05-08:00'), from)).toBeUndefined();
    expect(cdcResumePoint([{ Id: '1' }], from)).toBeUndefined();
  });
});
