import { fixture } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import { configure } from './configure.ts';
import { defineElement } from './define.ts';
import { LedgerlinkElement } from './ledgerlink-element.ts';
import type { SessionInfo } from '../../shared/api/sessions.ts';
import { fakeToken, installFakeBff, uniqueTag } from '../test-support/fake-bff.ts';

const BFF = 'http://bff.test';

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** A minimal component: loads its session when one is available. */
function defineProbe() {
  const tag = uniqueTag('ll-probe');
  class Probe extends LedgerlinkElement {
    loaded: SessionInfo | undefined;
    error: unknown;
    override sessionChanged() {
      this.client.session().then(
        (info) => (this.loaded = info),
        (error) => (this.error = error),
      );
    }
    ask() {
      return this.client.session();
    }
  }
  defineElement(tag, Probe);
  return { tag: unsafeStatic(tag), Probe };
}

const sessionBody = { tenant_id: 't', organization_id: 'o', user: { id: 'u', role: 'admin' }, expires_at: new Date().toISOString() };

describe('LedgerlinkElement', () => {
  it('uses the session-token attribute and bff-url', async () => {
    const bff = installFakeBff(BFF, () => ({ body: sessionBody }));
    try {
      const { tag } = defineProbe();
      const token = fakeToken(600);
      const element = await fixture<LedgerlinkElement & { ask(): Promise<SessionInfo> }>(
        staticHtml`<${tag} bff-url=${BFF} session-token=${token}></${tag}>`,
      );
      const info = await element.ask();
      assert(info.organization_id === 'o', 'session info read');
      assert(bff.requests.every((request) => request.authorization === `Bearer ${token}`), 'token sent as bearer');
    } finally {
      bff.restore();
    }
  });

  it('calls fetchSessionToken once for concurrent requests, again before expiry and after a 401', async () => {
    let issued = 0;
    let expiresIn = 600;
    const bff = installFakeBff(BFF, (request) =>
      request.authorization === 'Bearer revoked' ? { status: 401, body: { error: { code: 'unauthorized', message: 'expired' } } } : { body: sessionBody },
    );
    try {
      const { tag } = defineProbe();
      const element = await fixture<LedgerlinkElement & { ask(): Promise<SessionInfo> }>(staticHtml`<${tag} bff-url=${BFF}></${tag}>`);
      let nextToken: string | undefined;
      element.fetchSessionToken = async () => {
        issued += 1;
        return nextToken ?? fakeToken(expiresIn);
      };
      await element.updateComplete;
      await Promise.all([element.ask(), element.ask(), element.ask()]);
      const afterFirst = issued;
      assert(afterFirst === 1, `one fetch for concurrent requests (got ${afterFirst})`);

      // A token about to expire is renewed before the next request leaves.
      expiresIn = 30;
      element.fetchSessionToken = async () => {
        issued += 1;
        return fakeToken(expiresIn);
      };
      await element.updateComplete;
      await element.ask();
      await element.ask();
      assert(issued >= afterFirst + 2, 'a token within a minute of expiry is renewed for each request');

      // A 401 renews once and retries.
      let calls = 0;
      element.fetchSessionToken = async () => {
        calls += 1;
        return calls === 1 ? 'revoked' : fakeToken(600);
      };
      await element.updateComplete;
      const info = await element.ask();
      assert(info.user.id === 'u' && calls === 2, `401 → renew → retry (calls ${calls})`);
    } finally {
      bff.restore();
    }
  });

  it('takes page-wide defaults from configure()', async () => {
    const token = fakeToken(600);
    const bff = installFakeBff(BFF, () => ({ body: sessionBody }));
    try {
      const { tag } = defineProbe();
      configure({ bffUrl: BFF, fetchSessionToken: async () => ({ token, expires_at: new Date(Date.now() + 600_000).toISOString() }) });
      const element = await fixture<LedgerlinkElement & { ask(): Promise<SessionInfo> }>(staticHtml`<${tag}></${tag}>`);
      await element.ask();
      assert(bff.requests.at(-1)?.authorization === `Bearer ${token}`, 'default fetcher used');
    } finally {
      configure({ bffUrl: undefined, fetchSessionToken: undefined });
      bff.restore();
    }
  });

  it('turns error answers into LedgerlinkApiError with code and message', async () => {
    const bff = installFakeBff(BFF, () => ({ status: 403, body: { error: { code: 'forbidden', message: 'Only admins may connect' } } }));
    try {
      const { tag } = defineProbe();
      const element = await fixture<LedgerlinkElement & { ask(): Promise<SessionInfo> }>(
        staticHtml`<${tag} bff-url=${BFF} session-token=${fakeToken(600)}></${tag}>`,
      );
      const error = await element.ask().then(
        () => undefined,
        (e: unknown) => e as { name: string; status: number; code: string; message: string },
      );
      assert(error?.name === 'LedgerlinkApiError' && error.status === 403 && error.code === 'forbidden', 'typed error');
      assert(error.message === 'Only admins may connect', 'server message kept');
    } finally {
      bff.restore();
    }
  });

  it('a second definition of a tag warns once instead of throwing', async () => {
    const tag = uniqueTag('ll-dup');
    const warnings: string[] = [];
    const originalWarn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      defineElement(tag, class extends LedgerlinkElement {});
      defineElement(tag, class extends LedgerlinkElement {});
      defineElement(tag, class extends LedgerlinkElement {});
    } finally {
      console.warn = originalWarn;
    }
    assert(customElements.get(tag) !== undefined, 'first definition kept');
    assert(warnings.length === 1, `warned exactly once (got ${warnings.length})`);
    assert(warnings[0]!.includes('another copy of ledgerlink.js'), 'the warning names the cause');
  });
});
