import { aTimeout } from '@open-wc/testing';
import type { RecordedRequest } from './fake-bff.ts';

/** Polls `read` every 20 ms until it returns something truthy, and returns that; throws after `timeout` ms. */
export async function waitFor<T>(read: () => T | null | undefined | false, what: string, timeout = 3000): Promise<T> {
  const until = Date.now() + timeout;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await aTimeout(20);
  }
}

/** The first element in `el`'s shadow root matching `selector`. */
export const $ = <E extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<E>(selector);
/** Every element in `el`'s shadow root matching `selector`. */
export const $$ = <E extends Element = HTMLElement>(el: Element, selector: string) => [...el.shadowRoot!.querySelectorAll<E>(selector)];

/** The requests the fake BFF saw for one method and path. */
export function requestsTo(bff: { requests: RecordedRequest[] }, method: string, path: string): RecordedRequest[] {
  return bff.requests.filter((request) => request.method === method && request.path === path);
}

/**
 * Puts `markup` into the page and returns its container, removed by the returned `remove`. Unlike open-wc's
 * `fixture` on a plain element, it never waits for an animation frame: the runner keeps one of its two pages in
 * the background, where frames do not come, and a wrapper `<div>` fixture would hang there.
 */
export function attach(markup: string): { root: HTMLElement; remove: () => void } {
  const root = document.createElement('div');
  root.innerHTML = markup;
  document.body.append(root);
  return { root, remove: () => root.remove() };
}
