import type { OAuthResultMessage } from '../../shared/api/oauth.ts';

/**
 * How an authorization popup ended: what the callback page posted, or that the person closed the window.
 * When fetching the authorization URL failed the outcome is `error`, `cause` is what it failed with and `code`
 * the BFF's error code (so `code` is an OAuthResultCode only when the callback page sent it).
 */
export type PopupFlowResult =
  | (Pick<OAuthResultMessage, 'outcome' | 'connection' | 'message'> & { code?: string | undefined; cause?: unknown })
  | { outcome: 'closed' };

export interface PopupFlow {
  /** Settles once: the callback's message, `closed`, or `cancelled` after `cancel()`. */
  result: Promise<PopupFlowResult>;
  /** Closes the window and settles `result` as cancelled. */
  cancel(): void;
  /** Brings the window to the front. */
  focus(): void;
  /** Stops listening and polling, leaving the window open; settles `result` as cancelled. */
  stop(): void;
}

export interface PopupFlowOptions {
  /** The authorization URL; fetched after the window opened (browsers block `window.open` after an await). */
  url: () => Promise<string>;
  /** Only messages from this origin (the BFF's) are believed. */
  origin: string;
  /** Text shown in the window while the URL is fetched. */
  waitingText?: string;
  /** The window's title while the URL is fetched. */
  title?: string;
  /** The window's name: a second flow with the same name reuses the window. */
  name?: string;
  /**
   * Also ignore messages posted by another window of that origin (another element's popup on the page).
   * Messages without a source (synthetic ones) are still believed.
   */
  onlyFromPopup?: boolean;
  /** Called with the result as the flow settles, synchronously (inside the message event), before `result` resolves. */
  onResult?: (result: PopupFlowResult) => void;
}

const NAME = 'ledgerlink-qbo';
/**
 * Intuit's consent page (sign-in, company picker, the "Connect" step with its terms) lays out at about
 * 610 × 950 CSS px; a smaller window cuts it or makes people scroll to find Connect.
 */
const CONTENT = { width: 620, height: 960 };
/** What a popup's own frame and address bar add around its content, so the window stays within the screen. */
const FRAME = { width: 16, height: 80 };

interface OpenerBox {
  screenX: number;
  screenY: number;
  outerWidth: number;
  outerHeight: number;
}
interface ScreenBox {
  availWidth: number;
  availHeight: number;
  availLeft?: number;
  availTop?: number;
}

/**
 * Where the consent window goes: its content size (what `window.open` takes), never larger than the screen's
 * available area, centred on the opener and moved back inside that area when the opener hangs off it.
 */
export function popupPlacement(opener: OpenerBox, screen: ScreenBox): { width: number; height: number; left: number; top: number } {
  const width = Math.max(0, Math.min(CONTENT.width, screen.availWidth - FRAME.width));
  const height = Math.max(0, Math.min(CONTENT.height, screen.availHeight - FRAME.height));
  const minLeft = screen.availLeft ?? 0;
  const minTop = screen.availTop ?? 0;
  const clamp = (value: number, min: number, max: number) => Math.round(Math.max(min, Math.min(value, max)));
  return {
    width,
    height,
    left: clamp(opener.screenX + (opener.outerWidth - width - FRAME.width) / 2, minLeft, minLeft + screen.availWidth - width - FRAME.width),
    top: clamp(opener.screenY + (opener.outerHeight - height - FRAME.height) / 2, minTop, minTop + screen.availHeight - height - FRAME.height),
  };
}
/** Browsers fire no event when another window closes; this is how soon a closed popup is noticed. */
const CLOSED_POLL_MS = 500;

/**
 * Runs an OAuth authorization in a popup: opens a blank window synchronously (call it inside the click handler),
 * sends it to the URL once known, and settles with the `{source:'ledgerlink', type:'oauth-result'}` message the
 * BFF's callback page posts, or `closed`. Returns undefined when the browser blocked the popup.
 */
export function startPopupFlow(options: PopupFlowOptions): PopupFlow | undefined {
  const { width, height, left, top } = popupPlacement(window, window.screen as ScreenBox);
  const popup = window.open('', options.name ?? NAME, `popup,width=${width},height=${height},left=${left},top=${top}`);
  if (!popup) return undefined;
  try {
    popup.document.title = options.title ?? 'QuickBooks';
    popup.document.body.style.font = '14px system-ui, sans-serif';
    popup.document.body.textContent = options.waitingText ?? 'Opening QuickBooks…';
  } catch {
    // A window reused by name may already show another origin; leave it be.
  }

  let settle: (result: PopupFlowResult) => void = () => {};
  let done = false;
  const result = new Promise<PopupFlowResult>((resolve) => (settle = resolve));
  const finish = (value: PopupFlowResult, close: boolean) => {
    if (done) return;
    done = true;
    window.removeEventListener('message', onMessage);
    clearInterval(poll);
    if (close) closeQuietly(popup);
    options.onResult?.(value);
    settle(value);
  };
  const onMessage = (event: MessageEvent) => {
    if (event.origin !== options.origin) return;
    if (options.onlyFromPopup && event.source !== null && event.source !== popup) return;
    if (!isOAuthResult(event.data)) return;
    const { outcome, connection, message, code } = event.data;
    finish({ outcome, connection, message, code }, true);
  };
  window.addEventListener('message', onMessage);
  const poll = setInterval(() => {
    if (popup.closed) finish({ outcome: 'closed' }, false);
  }, CLOSED_POLL_MS);

  options.url().then(
    (url) => {
      if (!done) popup.location.href = url;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : 'Could not open QuickBooks.';
      finish({ outcome: 'error', message, code: (error as { code?: string }).code, cause: error }, true);
    },
  );

  return {
    result,
    cancel: () => finish({ outcome: 'cancelled' }, true),
    focus: () => popup.focus(),
    stop: () => finish({ outcome: 'cancelled' }, false),
  };
}

function closeQuietly(popup: Window): void {
  try {
    popup.close();
  } catch {
    // Already gone.
  }
}

function isOAuthResult(data: unknown): data is OAuthResultMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Partial<OAuthResultMessage>;
  return (
    message.source === 'ledgerlink' &&
    message.type === 'oauth-result' &&
    (message.outcome === 'connected' || message.outcome === 'refused' || message.outcome === 'cancelled' || message.outcome === 'error')
  );
}
