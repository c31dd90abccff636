/** HTML of the sandbox's consent screen, standing in for Intuit's "Connect to your app" page. */
export interface ConsentView {
  appName: string;
  scopes: string[];
  companies: { realmId: string; name: string; country: string; plan: string }[];
  hidden: Record<string, string>;
  action: string;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

const SCOPE_TEXT: Record<string, string> = {
  'com.intuit.quickbooks.accounting': 'Read and change your accounting data (customers, vendors, invoices, bills, reports)',
  'com.intuit.quickbooks.payment': 'Process payments',
  openid: 'Confirm who you are',
  profile: 'See your name',
  email: 'See your email address',
  phone: 'See your phone number',
  address: 'See your address',
};

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  /* Connect comes first in the DOM so Enter submits it; row-reverse shows Cancel on the left. */
  body { margin: 0; background: #f4f5f8; color: #1f2328; }
  main { max-width: 34rem; margin: 3rem auto; background: #fff; border-radius: 12px; box-shadow: 0 2px 12px rgb(0 0 0 / 0.08); padding: 2rem; }
  .brand { display: flex; align-items: center; gap: .6rem; font-weight: 700; color: #2ca01c; margin-bottom: 1rem; }
  .brand span { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: 50%; background: #2ca01c; color: #fff; font-size: .9rem; }
  h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
  p { line-height: 1.5; }
  fieldset { border: 1px solid #d0d4dc; border-radius: 8px; padding: .5rem 1rem 1rem; margin: 1rem 0; }
  legend { font-weight: 600; padding: 0 .3rem; }
  label.company { display: flex; gap: .75rem; align-items: flex-start; padding: .6rem .5rem; border-radius: 6px; cursor: pointer; }
  label.company:hover { background: #f1f8ef; }
  label.company small { display: block; color: #57606a; }
  input[type=radio] { margin-top: .3rem; width: 1.1rem; height: 1.1rem; accent-color: #2ca01c; }
  input:focus-visible, button:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
  ul.scopes { padding-left: 1.2rem; color: #3a4048; }
  .actions { display: flex; flex-direction: row-reverse; gap: .75rem; justify-content: flex-start; margin-top: 1.5rem; }
  button { font: inherit; border-radius: 6px; padding: .6rem 1.3rem; cursor: pointer; border: 1px solid #8c959f; background: #fff; }
  button.primary { background: #2ca01c; border-color: #2ca01c; color: #fff; font-weight: 600; }
  button.primary:hover { background: #238016; }
  .note { font-size: .85rem; color: #57606a; margin-top: 1.5rem; }
`;

export function consentPage(view: ConsentView): string {
  const hidden = Object.entries(view.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('\n      ');
  const companies = view.companies
    .map(
      (company, index) => `
        <label class="company">
          <input type="radio" name="realm_id" value="${escape(company.realmId)}"${index === 0 ? ' checked' : ''} required>
          <span>${escape(company.name)}<small>${escape(company.country)} · QuickBooks Online ${escape(company.plan)} · company ID ${escape(company.realmId)}</small></span>
        </label>`,
    )
    .join('');
  const scopes = view.scopes.map((scope) => `<li>${escape(SCOPE_TEXT[scope] ?? scope)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Connect ${escape(view.appName)} to QuickBooks (sandbox)</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
    <div class="brand" aria-hidden="true"><span>qb</span> QuickBooks sandbox</div>
    <h1>Connect ${escape(view.appName)} to QuickBooks</h1>
    <p>${escape(view.appName)} is asking to:</p>
    <ul class="scopes">${scopes}</ul>
    <form method="post" action="${escape(view.action)}">
      ${hidden}
      ${
        view.companies.length > 0
          ? `<fieldset>
        <legend>Choose a company</legend>${companies}
      </fieldset>`
          : '<p role="alert">There are no companies in this sandbox yet. Create one with POST /_sandbox/qbo/companies.</p>'
      }
      <div class="actions">
        <button type="submit" name="decision" value="allow" class="primary"${view.companies.length === 0 ? ' disabled' : ''}>Connect</button>
        <button type="submit" name="decision" value="deny" formnovalidate>Cancel</button>
      </div>
    </form>
    <p class="note">This is a local stand-in for Intuit's consent screen. No data leaves this machine.</p>
  </main>
</body>
</html>`;
}

export function errorPage(title: string, detail: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escape(title)}</h1><p role="alert">${escape(detail)}</p></main></body></html>`;
}
