// The home page with the legacy face on: the pool fee, closepool's message instead of "Create an
// account", the poollink; and a legacy-only pool (vsp=0) neither serves /api/v3 nor shows the VSP.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pagesHarness, textOf } from './pages-harness.ts';
import type { PagesHarness } from './pages-harness.ts';

const open: PagesHarness[] = [];
after(async () => {
  for (const h of open) await h.close();
});

async function harness(o: Parameters<typeof pagesHarness>[0] = {}): Promise<PagesHarness> {
  const h = await pagesHarness(o);
  open.push(h);
  return h;
}

describe('home page, legacy pool', () => {
  it('shows the pool fee, both buttons, the poollink and the VSP beside it', async () => {
    const h = await harness({ web: { poolLink: 'https://forum.example.org/t/1?a=1&b=2' } });
    const res = await h.app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    const text = textOf(res.body);
    assert.ok(/The pool fee, 7\.5% ?, is part of each ticket/.test(text), text);
    assert.ok(res.body.includes('<a class="button" href="/register">'));
    assert.ok(res.body.includes('<a class="button" href="/login">'));
    assert.ok(
      res.body.includes('<a href="https://forum.example.org/t/1?a=1&amp;b=2" rel="noopener'),
    );
    assert.ok(res.body.includes('id="vsp"'));
    assert.ok(res.body.includes('--vsp.url='));
    assert.equal((await h.app.inject({ url: '/api/v3/vspinfo' })).statusCode, 200);
  });

  it('offers no account while closepool is set: closepoolmsg instead', async () => {
    const h = await harness({ pool: { closePool: true, closePoolMsg: 'Full <for now>' } });
    const res = await h.app.inject({ url: '/' });
    assert.ok(!res.body.includes('href="/register"'));
    assert.ok(res.body.includes('Full &lt;for now&gt;'));
    assert.ok(res.body.includes('<a class="button" href="/login">'));
  });

  it('shows only an http(s) poollink', async () => {
    const h = await harness({ web: { poolLink: 'javascript:alert(1)' } });
    const res = await h.app.inject({ url: '/' });
    assert.ok(!res.body.includes('javascript:'));
    assert.ok(!textOf(res.body).includes('Support and discussion'));
  });

  it('vsp=0: no /api/v3, no VSP section or numbers; the legacy API still answers', async () => {
    const h = await harness({ web: { vsp: false } });
    const res = await h.app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.ok(!res.body.includes('id="vsp"'));
    assert.ok(!res.body.includes('--vsp.url'));
    assert.ok(!res.body.includes('VSP fee'));
    assert.ok(res.body.includes('href="/stats"'));
    assert.ok(textOf(res.body).includes('The pool fee, 7.5%'));
    for (const url of ['/api/v3/vspinfo', '/api/v3/feeaddress']) {
      const api = await h.app.inject({ url, method: url.endsWith('info') ? 'GET' : 'POST' });
      assert.equal(api.statusCode, 404, url);
    }
  });
});
