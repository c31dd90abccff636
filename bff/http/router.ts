import { MESSAGE_MATCHER_IS_ALREADY_BUILT, METHOD_NAME_ALL, UnsupportedPathError, type Result, type Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';

/**
 * Hono's SmartRouter, decided per method. RegExpRouter (one regular expression per method, the fastest
 * matcher) cannot hold a static segment beside a parameter in the same place, such as
 * `PUT /v1/widget/connections/visibility` beside `PUT /v1/widget/connections/:id/visibility`; SmartRouter
 * then falls back to TrieRouter for every method, and every GET pays a tree walk over all routes. Here each
 * method gets RegExpRouter when its own routes (with the method-less ones) allow it, else TrieRouter: the
 * same handlers in the same order either way.
 */
export class PerMethodRouter<T> implements Router<T> {
  name = 'PerMethodRouter';
  readonly #routes: [string, string, T][] = [];
  #built = false;
  readonly #byMethod = new Map<string, Router<T>>();

  add(method: string, path: string, handler: T): void {
    // After the first match no route may be added (as with Hono's own routers): every method sees the same set.
    if (this.#built) throw new Error(MESSAGE_MATCHER_IS_ALREADY_BUILT);
    this.#routes.push([method, path, handler]);
  }

  match(method: string, path: string): Result<T> {
    let router = this.#byMethod.get(method);
    if (!router) {
      router = this.#build(method);
      this.#byMethod.set(method, router);
    }
    return router.match(method, path);
  }

  /** Which router serves a method ('RegExpRouter' or 'TrieRouter'), once it has matched a request. */
  routerOf(method: string): string | undefined {
    return this.#byMethod.get(method)?.name;
  }

  #build(method: string): Router<T> {
    this.#built = true;
    const own = this.#routes.filter(([m]) => m === method || m === METHOD_NAME_ALL);
    try {
      const router = new RegExpRouter<T>();
      for (const [m, path, handler] of own) router.add(m, path, handler);
      router.match(method, '/'); // builds the expression now, so an unsupported route shows here
      return router;
    } catch (error) {
      if (!(error instanceof UnsupportedPathError)) throw error;
      const router = new TrieRouter<T>();
      for (const [m, path, handler] of own) router.add(m, path, handler);
      return router;
    }
  }
}
