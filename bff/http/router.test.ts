import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { PerMethodRouter } from './router.ts';

type Matched = { handlers: unknown[]; params: Record<string, string>[] };

/** Handlers and decoded parameters of a match, whichever shape the router answers in. */
function matched(result: ReturnType<PerMethodRouter<unknown>['match']>): Matched {
  const [entries, stash] = result as [[unknown, Record<string, number | string>][], string[] | undefined];
  return {
    handlers: entries.map(([handler]) => handler),
    params: entries.map(([, map]) => Object.fromEntries(Object.entries(map).map(([key, at]) => [key, stash ? stash[at as number]! : (at as string)]))),
  };
}

describe('PerMethodRouter', () => {
  test('every route of the app matches the same handlers and parameters as a TrieRouter, and GET uses RegExpRouter', () => {
    const { app } = testApp();
    const routes = app.routes.map((route) => [route.method, route.path, route.handler] as const);
    const fast = new PerMethodRouter<unknown>();
    const reference = new TrieRouter<unknown>();
    for (const [method, path, handler] of routes) {
      fast.add(method, path, handler);
      reference.add(method, path, handler);
    }
    const endpoints = routes.filter(([method, path]) => method !== 'ALL' && !path.includes('*'));
    expect(endpoints.length).toBeGreaterThan(50);
    for (const [method, path] of endpoints) {
      const concrete = path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => `${name}-value`);
      for (const asked of [concrete, `${concrete}/unknown`]) {
        expect(matched(fast.match(method, asked)), `${method} ${asked}`).toEqual(matched(reference.match(method, asked)));
      }
    }
    // The routes that made SmartRouter give up on RegExpRouter are PUT ones; reads get the fast matcher.
    expect(fast.routerOf('GET')).toBe('RegExpRouter');
    expect(fast.routerOf('PUT')).toBe('TrieRouter');
    expect(() => fast.add('GET', '/late', () => {})).toThrow();
  });

  test('the app routes with it', async () => {
    const { app } = testApp();
    expect((await app.request('/healthz')).status).toBe(200);
    expect(app.router.name).toBe('PerMethodRouter');
  });
});
