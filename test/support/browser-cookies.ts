/**
 * One browser's cookie jar, as far as our tests need one: cookies an app sets (the OAuth start link's browser
 * binding) go back on later requests to their path. A test or bench that plays another browser sends a
 * request without them.
 */
export class BrowserCookies {
  readonly #cookies = new Map<string, { value: string; path: string }>();

  remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      const path = attributes.find((attribute) => /^path=/i.test(attribute))?.slice(5) ?? '/';
      const maxAge = attributes.find((attribute) => /^max-age=/i.test(attribute));
      if (maxAge && Number(maxAge.slice(8)) <= 0) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, path });
    }
  }

  /** The Cookie header for a request to `path`, or undefined when no cookie applies. */
  for(path: string): string | undefined {
    const pathname = new URL(path, 'http://localhost').pathname;
    const matching = [...this.#cookies].filter(([, cookie]) => pathname.startsWith(cookie.path)).map(([name, cookie]) => `${name}=${cookie.value}`);
    return matching.length > 0 ? matching.join('; ') : undefined;
  }
}
