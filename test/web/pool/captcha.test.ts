// The self-hosted captcha: its picture, where the digits live (the server-side session only), one
// guess per picture, a new picture on request, and /verifyhuman's way back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertRedirect,
  captchaDigitsOf,
  client,
  csrfOf,
  poolHarness,
  sessionOf,
  setCookies,
} from './harness.ts';
import { suiteHarness } from './legacy-fixtures.ts';

const h = suiteHarness(poolHarness);

describe('captcha picture', () => {
  it('is an SVG of the session’s digits that holds no digit run of the answer', async () => {
    const c = client(h);
    const page = await c.get('/register');
    const digits = await captchaDigitsOf(h, c);
    assert.match(digits, /^\d{6}$/);
    for (const cookie of setCookies(page)) assert.ok(!cookie.includes(digits));
    assert.ok(!page.body.includes(digits));

    const img = await c.get('/captcha.svg?v=1');
    assert.equal(img.statusCode, 200);
    assert.match(String(img.headers['content-type']), /^image\/svg\+xml/);
    assert.equal(img.headers['cache-control'], 'private, no-store, no-cache');
    assert.match(img.body, /^<svg /);
    assert.ok(!img.body.includes(digits));
    assert.equal(await captchaDigitsOf(h, c), digits, 'showing it does not change it');
  });

  it('gets new digits with ?reload, and with the form’s New image button', async () => {
    const c = client(h);
    const page = await c.get('/register');
    const first = await captchaDigitsOf(h, c);
    await c.get('/captcha.svg?reload=1');
    const second = await captchaDigitsOf(h, c);
    const serial = (s: Awaited<ReturnType<typeof sessionOf>>) =>
      (s?.data.captcha as { serial: number }).serial;
    const before = serial(await sessionOf(h, c));
    const res = await c.post('/verifyhuman', {
      csrf: csrfOf(page.body),
      reload: '1',
      return: '/register',
    });
    assertRedirect(res, '/register');
    assert.equal(serial(await sessionOf(h, c)), before + 1);
    const again = await c.get('/register');
    assert.match(again.body, new RegExp(`captcha\\.svg\\?v=${before + 1}`));
    // Six random digits may repeat, but not three times running by chance worth worrying about.
    const third = await captchaDigitsOf(h, c);
    assert.ok(first !== second || second !== third);
  });

  it('gives a visitor without a session one of its own', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/captcha.svg' });
    assert.equal(res.statusCode, 200);
    assert.equal(setCookies(res).length, 1);
  });
});

describe('/verifyhuman', () => {
  it('allows one guess per picture', async () => {
    const c = client(h);
    const page = await c.get('/register');
    const digits = await captchaDigitsOf(h, c);
    const wrong = digits.replace(/^./, (d) => (d === '0' ? '1' : '0'));
    const res = await c.post('/verifyhuman', {
      csrf: csrfOf(page.body),
      captchaSolution: wrong,
      return: '/register',
    });
    assert.equal(res.statusCode, 303);
    const after = await c.get('/register');
    assert.match(after.body, /Captcha verification failed/);
    assert.match(after.body, /action="\/verifyhuman"/);
    // The old answer is no good any more (unless the new picture has, by a one-in-a-million
    // chance, the same digits).
    const renewed = await captchaDigitsOf(h, c);
    await c.post('/verifyhuman', {
      csrf: csrfOf(after.body),
      captchaSolution: digits,
      return: '/register',
    });
    const solved = (await sessionOf(h, c))?.data.captcha as { solved?: boolean };
    assert.equal(solved.solved === true, renewed === digits);
  });

  it('accepts the digits with spaces, and marks the session solved', async () => {
    const c = client(h);
    const page = await c.get('/passwordreset');
    const digits = await captchaDigitsOf(h, c);
    const res = await c.post('/verifyhuman', {
      csrf: csrfOf(page.body),
      captchaSolution: `${digits.slice(0, 3)} ${digits.slice(3)}`,
      return: '/passwordreset',
    });
    assert.equal(res.headers.location, '/passwordreset');
    const s = await sessionOf(h, c);
    assert.deepEqual(s?.data.captcha, { serial: 1, solved: true });
    assert.match((await c.get('/passwordreset')).body, /action="\/passwordreset"/);
  });

  it('goes back only to a captcha page, and needs the CSRF token', async () => {
    const c = client(h);
    const page = await c.get('/register');
    for (const target of ['https://evil.example/', '//evil.example', '/admin', '']) {
      const res = await c.post('/verifyhuman', {
        csrf: csrfOf(page.body),
        reload: '1',
        return: target,
      });
      assert.equal(res.headers.location, '/', target);
    }
    const digits = await captchaDigitsOf(h, c);
    const forged = await c.post('/verifyhuman', { captchaSolution: digits, return: '/register' });
    assert.equal(forged.statusCode, 403);
    assert.equal((await sessionOf(h, c))?.data.captcha !== undefined, true);
    assert.notDeepEqual((await sessionOf(h, c))?.data.captcha, { serial: 1, solved: true });
  });
});
