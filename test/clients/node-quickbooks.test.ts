import QuickBooks from 'node-quickbooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KESTREL, consent, listen, type Listening } from './listen.ts';

type Callback<T> = (error: unknown, data: T) => void;

/** node-quickbooks is callback-style; this turns one call into a promise that rejects with QuickBooks' fault. */
function call<T>(run: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, data) => (error ? reject(error) : resolve(data))));
}

interface Tokens {
  access_token: string;
  refresh_token: string;
}

describe('node-quickbooks against the sandbox', () => {
  let server: Listening;
  let qbo: QuickBooks;
  let tokens: Tokens;

  beforeAll(async () => {
    server = await listen();
    QuickBooks.TOKEN_URL = `${server.url}/qbo/oauth2/v1/tokens/bearer`;
    QuickBooks.REVOKE_URL = `${server.url}/qbo/v2/oauth2/tokens/revoke`;
    QuickBooks.V3_ENDPOINT_BASE_URL = `${server.url}/qbo/v3/company/`;
    const redirectUri = 'http://127.0.0.1:4000/cb';
    const authorize = `${server.url}/qbo/connect/oauth2?${new URLSearchParams({ client_id: 'ledgerlink-dev', redirect_uri: redirectUri, response_type: 'code', scope: 'com.intuit.quickbooks.accounting', state: 'nq' })}`;
    const code = new URL(await consent(authorize, KESTREL)).searchParams.get('code') ?? '';
    const response = await fetch(`${server.url}/qbo/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('ledgerlink-dev:ledgerlink-dev-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    });
    tokens = (await response.json()) as Tokens;
    qbo = new QuickBooks('ledgerlink-dev', 'ledgerlink-dev-secret', tokens.access_token, false, KESTREL, true, false, '75', '2.0', tokens.refresh_token);
  });
  afterAll(() => server.close());

  it('creates, reads, updates and finds a vendor', async () => {
    const created = await call<{ Id: string; SyncToken: string; DisplayName: string }>((cb) => qbo.createVendor({ DisplayName: 'Thames Barge Supplies Ltd', CompanyName: 'Thames Barge Supplies Ltd' }, cb as never));
    expect(created.DisplayName).toBe('Thames Barge Supplies Ltd');
    const read = await call<{ Id: string; SyncToken: string }>((cb) => qbo.getVendor(created.Id, cb as never));
    expect(read.SyncToken).toBe('0');
    const updated = await call<{ SyncToken: string; PrintOnCheckName: string }>((cb) => qbo.updateVendor({ Id: read.Id, SyncToken: read.SyncToken, PrintOnCheckName: 'Thames Barge' }, cb as never));
    expect(updated).toMatchObject({ SyncToken: '1', PrintOnCheckName: 'Thames Barge' });
    // A 400 reaches the callback as axios' error, the QuickBooks fault in its response body.
    const stale = (await call((cb) => qbo.updateVendor({ Id: read.Id, SyncToken: '0', PrintOnCheckName: 'x' }, cb as never)).catch((error: unknown) => error)) as { response: { status: number; data: { Fault: { Error: { code: string }[] } } } };
    expect(stale.response.status).toBe(400);
    expect(stale.response.data.Fault.Error[0]?.code).toBe('5010');
    const found = await call<{ QueryResponse: { Vendor?: { Id: string }[] } }>((cb) => qbo.findVendors([{ field: 'DisplayName', value: 'Thames Barge Supplies Ltd', operator: '=' }], cb as never));
    expect(found.QueryResponse.Vendor?.map((vendor) => vendor.Id)).toEqual([created.Id]);
  });

  it('pages through every vendor with fetchAll and sees inactive ones only when asked', async () => {
    const all = await call<{ QueryResponse: { Vendor: { Active: boolean }[] } }>((cb) => qbo.findVendors({ fetchAll: true, limit: 7 } as never, cb as never));
    expect(all.QueryResponse.Vendor.length).toBeGreaterThan(7);
    expect(all.QueryResponse.Vendor.every((vendor) => vendor.Active)).toBe(true);
    const withInactive = await call<{ QueryResponse: { Vendor: { Active: boolean }[] } }>((cb) => qbo.findVendors([{ field: 'Active', value: [true, false], operator: 'IN' }, { field: 'fetchAll', value: true }], cb as never));
    expect(withInactive.QueryResponse.Vendor.some((vendor) => !vendor.Active)).toBe(true);
  });

  it('deletes an invoice and sees the deletion in CDC', async () => {
    const customers = await call<{ QueryResponse: { Customer: { Id: string }[] } }>((cb) => qbo.findCustomers({ limit: 1 } as never, cb as never));
    const items = await call<{ QueryResponse: { Item: { Id: string }[] } }>((cb) => qbo.findItems({ limit: 1 } as never, cb as never));
    // A UK company: every line needs a VAT code (6000 otherwise), one with sales rates.
    const codes = await call<{ QueryResponse: { TaxCode: { Id: string; Active?: boolean; SalesTaxRateList?: { TaxRateDetail?: unknown[] } }[] } }>((cb) => qbo.findTaxCodes({} as never, cb as never));
    const vat = codes.QueryResponse.TaxCode.find((code) => code.Active !== false && (code.SalesTaxRateList?.TaxRateDetail ?? []).length > 0);
    const since = new Date(Date.now() - 60_000).toISOString();
    const invoice = await call<{ Id: string; SyncToken: string; TotalAmt: number }>((cb) =>
      qbo.createInvoice(
        {
          CustomerRef: { value: customers.QueryResponse.Customer[0]?.Id },
          Line: [{ Amount: 100, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: items.QueryResponse.Item[0]?.Id }, Qty: 1, UnitPrice: 100, TaxCodeRef: { value: vat?.Id } } }],
        } as never,
        cb as never,
      ),
    );
    expect(invoice.TotalAmt).toBeGreaterThanOrEqual(100);
    await call((cb) => qbo.deleteInvoice(invoice.Id, cb as never));
    const changes = await call<{ CDCResponse: { QueryResponse: { Invoice?: { Id: string; status?: string }[] }[] }[] }>((cb) => qbo.changeDataCapture(['Invoice'], since, cb as never));
    const invoices = changes.CDCResponse[0]?.QueryResponse[0]?.Invoice ?? [];
    expect(invoices.find((entry) => entry.Id === invoice.Id)?.status).toBe('Deleted');
  });

  it('reads a ProfitAndLoss report', async () => {
    const report = await call<{ Header: { ReportName: string }; Rows: { Row: { group?: string }[] } }>((cb) => qbo.reportProfitAndLoss({ start_date: '2000-01-01', end_date: '2100-01-01' }, cb as never));
    expect(report.Header.ReportName).toBe('ProfitAndLoss');
    expect(report.Rows.Row.map((row) => row.group)).toContain('NetIncome');
  });

  it('refreshes and revokes its tokens', async () => {
    // A day on, a refresh rotates the refresh token (within the first day Intuit hands back the same one).
    await server.control('POST', '/clock', { advance_seconds: 24 * 3600 + 60 });
    const refreshed = await call<{ access_token: string; refresh_token: string }>((cb) => qbo.refreshAccessToken(cb as never));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // The refreshed access token works, through a client that holds it alone...
    const holder = new QuickBooks('ledgerlink-dev', 'ledgerlink-dev-secret', refreshed.access_token, false, KESTREL, true, false, '75', '2.0', refreshed.refresh_token);
    const info = await call<{ CompanyName?: string; CompanyInfo?: { CompanyName: string } }>((cb) => holder.getCompanyInfo(KESTREL, cb as never));
    expect(info.CompanyInfo?.CompanyName ?? info.CompanyName).toBeTruthy();
    // ...until node-quickbooks revokes the grant: then the same access token is refused, and so is the refresh token.
    await call((cb) => qbo.revokeAccess(true, cb as never));
    const failure = await call((cb) => holder.getCompanyInfo(KESTREL, cb as never)).catch((error: unknown) => error);
    expect((failure as { response?: { status: number } }).response?.status).toBe(401);
    const refreshAfter = await call((cb) => holder.refreshAccessToken(cb as never)).catch((error: unknown) => error);
    expect(refreshAfter).toBeTruthy();
    expect(JSON.stringify((refreshAfter as { response?: { data?: unknown } }).response?.data ?? refreshAfter)).toMatch(/invalid_grant/);
  });
});
