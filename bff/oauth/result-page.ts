import { html, raw } from 'hono/html';
import type { OAuthResultMessage } from '../../shared/api/oauth.ts';

const headline: Record<OAuthResultMessage['outcome'], string> = {
  connected: 'Connected to QuickBooks',
  refused: 'This company can’t be connected',
  cancelled: 'Connection cancelled',
  error: 'Something went wrong',
};

/**
 * The page the provider sends the popup back to. It hands the result to the page that opened it
 * (postMessage to exactly that page's origin) and closes; opened without an opener it explains itself.
 * Its inline style and script carry `nonce`, the one this response's Content-Security-Policy allows
 * (bff/ops/security-headers.ts); nothing else on the page may run.
 */
export function resultPage(result: OAuthResultMessage, openerOrigin: string | null, nonce: string | undefined) {
  const detail =
    result.outcome === 'connected'
      ? `${result.connection?.company_name ?? 'Your company'} is now connected. You can close this window.`
      : (result.message ?? 'You can close this window and try again.');
  const title = result.code === 'reconnect_wrong_company' ? 'That is a different company' : headline[result.outcome];
  // JSON inside <script>: escape "<" so no value can close the script element.
  const payload = JSON.stringify(result).replace(/</g, '\\u003c');
  const target = JSON.stringify(openerOrigin ?? '').replace(/</g, '\\u003c');
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style nonce="${nonce ?? ''}">
          body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2328; margin: 0;
                 display: grid; place-items: center; min-height: 100vh; background: #f6f8fa; }
          main { background: #fff; border: 1px solid #d1d9e0; border-radius: 8px; padding: 24px 28px; max-width: 420px; }
          h1 { font-size: 18px; margin: 0 0 8px; }
          p { margin: 0; color: #59636e; }
        </style>
      </head>
      <body>
        <main role="status">
          <h1>${title}</h1>
          <p>${detail}</p>
        </main>
        <script nonce="${nonce ?? ''}">
          (function () {
            var result = ${raw(payload)};
            var target = ${raw(target)};
            if (window.opener && target) {
              window.opener.postMessage(result, target);
              setTimeout(function () { window.close(); }, 50);
            }
          })();
        </script>
      </body>
    </html>`;
}

/**
 * Redirect mode: the host's return URL with only an opaque result id as `ledgerlink_oauth`. The outcome itself
 * stays here; the component reads it with its session (GET /v1/widget/oauth/results/{id}), so a crafted
 * `?ledgerlink_oauth=…` link carries no text, outcome or connection a component would believe.
 */
export function redirectBackUrl(returnUrl: string, resultId: string | null): string {
  const url = new URL(returnUrl);
  if (resultId) url.searchParams.set('ledgerlink_oauth', resultId);
  return url.toString();
}
