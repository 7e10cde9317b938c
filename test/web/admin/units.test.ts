// The admin's building blocks on their own: password hashing, the failed-login limit, session
// and CSRF tokens, cookies, basic auth, form parsing and the RPC health probe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allHealthy, healthJson, rpcNodeHealth } from '../../../src/admin/health.ts';
import type { DcrdProbe, NodeHealth, WalletProbe } from '../../../src/admin/health.ts';
import type { DcrdClient } from '../../../src/rpc/dcrd.ts';
import type { WalletClient } from '../../../src/rpc/wallet.ts';
import { MemoryLoginThrottle } from '../../../src/admin/login-throttle.ts';
import {
  adminPasswordHash,
  decodePasswordHash,
  encodePasswordHash,
  hashPassword,
  verifyPassword,
} from '../../../src/admin/password.ts';
import { basicAuthPassword } from '../../../src/web/plugins/admin-auth.ts';
import { parseForm } from '../../../src/web/plugins/forms.ts';
import { parseCookies, serializeCookie, SessionSigner } from '../../../src/web/plugins/session.ts';

const FAST = { N: 1024, r: 8, p: 1 };

describe('admin password hashing', () => {
  it('verifies the password and nothing else', async () => {
    const h = await hashPassword('s3cret pass', FAST);
    assert.equal(h.hash.length, 32);
    assert.equal(h.salt.length, 16);
    assert.equal(await verifyPassword(h, 's3cret pass'), true);
    for (const wrong of ['s3cret pas', 's3cret pass ', '', 'S3cret pass']) {
      assert.equal(await verifyPassword(h, wrong), false, wrong);
    }
  });

  it('salts: the same password hashes differently each time', async () => {
    const a = await hashPassword('same', FAST);
    const b = await hashPassword('same', FAST);
    assert.notDeepEqual(a.hash, b.hash);
  });

  it('compares Unicode passwords in NFC', async () => {
    const h = await hashPassword('caf\u00e9', FAST);
    assert.equal(await verifyPassword(h, 'cafe\u0301'), true);
  });

  it('round-trips the encoded form, which a config may hold instead of the password', async () => {
    const h = await hashPassword('from the config', FAST);
    const text = encodePasswordHash(h);
    assert.match(text, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    const back = decodePasswordHash(text);
    assert.deepEqual(back, h);
    const loaded = await adminPasswordHash(text);
    assert.equal(await verifyPassword(loaded, 'from the config'), true);
    assert.equal(decodePasswordHash('plain password'), undefined);
    const plain = await adminPasswordHash('plain password', FAST);
    assert.equal(await verifyPassword(plain, 'plain password'), true);
  });

  it('rejects malformed encoded hashes and bad parameters', async () => {
    for (const bad of ['scrypt$', 'scrypt$1000$8$1$AAAA$AAAA', 'scrypt$1024$8$1$AA!A$AAAA']) {
      assert.throws(() => decodePasswordHash(bad), /adminpass|N:/);
    }
    assert.throws(() => decodePasswordHash('scrypt$1024$8$1$AAAA$AAAA'), /32 bytes/);
    await assert.rejects(hashPassword('', FAST), TypeError);
    await assert.rejects(hashPassword('x', { N: 1000, r: 8, p: 1 }), RangeError);
  });
});

describe('MemoryLoginThrottle', () => {
  it('locks an address after maxFailures for the rest of the window', async () => {
    const clock = { ms: 0 };
    const t = new MemoryLoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => clock.ms });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await t.check('a'), { allowed: true });
      await t.failed('a');
      clock.ms += 1000;
    }
    assert.deepEqual(await t.check('a'), { allowed: false, retryAfterSeconds: 57 });
    assert.deepEqual(await t.check('b'), { allowed: true });
    clock.ms = 60_000;
    assert.deepEqual(await t.check('a'), { allowed: true });
  });

  it('forgets an address on success and bounds its memory', async () => {
    const t = new MemoryLoginThrottle({ maxFailures: 1, maxEntries: 10, now: () => 0 });
    await t.failed('a');
    assert.equal((await t.check('a')).allowed, false);
    await t.succeeded('a');
    assert.equal((await t.check('a')).allowed, true);
    await t.failed('first');
    for (let i = 0; i < 20; i++) await t.failed(`ip${i}`);
    assert.equal((await t.check('first')).allowed, true, 'the oldest entry was dropped');
    assert.equal((await t.check('ip19')).allowed, false);
  });
});

describe('SessionSigner', () => {
  const secret = new Uint8Array(32).fill(3);
  const session = { sid: SessionSigner.newSid(), admin: true, issuedAt: 100, expiresAt: 200 };

  it('round-trips a session until it expires', () => {
    const s = new SessionSigner(secret);
    const token = s.encode(session);
    assert.deepEqual(s.decode(token, 150), session);
    assert.equal(s.decode(token, 200), undefined);
  });

  it('rejects tokens that were changed, or signed with another key or binding', () => {
    const s = new SessionSigner(secret, new Uint8Array([1]));
    const token = s.encode(session);
    const [sid, , issued, , mac] = token.split('.');
    for (const bad of [
      `${sid}.1.${issued}.999.${mac}`,
      token.replace('.1.', '.0.'),
      `${token}A`,
      token.slice(1),
      '',
      'x.y',
    ]) {
      assert.equal(s.decode(bad, 150), undefined, bad);
    }
    assert.equal(new SessionSigner(secret).decode(token, 150), undefined);
    assert.equal(
      new SessionSigner(new Uint8Array(32).fill(4), new Uint8Array([1])).decode(token, 150),
      undefined,
    );
    assert.throws(() => new SessionSigner(new Uint8Array(8)), RangeError);
  });

  it('binds CSRF tokens to the session id', () => {
    const s = new SessionSigner(secret);
    const a = SessionSigner.newSid();
    const b = SessionSigner.newSid();
    assert.equal(s.checkCsrf(a, s.csrfToken(a)), true);
    assert.equal(s.checkCsrf(b, s.csrfToken(a)), false);
    assert.equal(s.checkCsrf(a, undefined), false);
    assert.equal(s.checkCsrf(a, ''), false);
    assert.equal(s.checkCsrf(a, ['x']), false);
  });
});

describe('cookies, basic auth and forms', () => {
  it('parses and writes cookies', () => {
    assert.deepEqual(
      [...parseCookies('a=1; b="2"; a=3; =x; junk; c=')],
      [
        ['a', '1'],
        ['b', '2'],
        ['c', ''],
      ],
    );
    assert.equal(
      serializeCookie('n', 'v.1', {
        path: '/admin',
        httpOnly: true,
        sameSite: 'Lax',
        secure: true,
        maxAge: 60,
      }),
      'n=v.1; Path=/admin; Max-Age=60; HttpOnly; Secure; SameSite=Lax',
    );
    assert.throws(() =>
      serializeCookie('n', 'a;b', {
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        secure: false,
        maxAge: 1,
      }),
    );
  });

  it('takes the password of a basic auth header, whatever the user name', () => {
    const enc = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    assert.equal(basicAuthPassword(enc('admin:pw:with:colons')), 'pw:with:colons');
    assert.equal(basicAuthPassword(enc(':pw')), 'pw');
    assert.equal(basicAuthPassword(`basic ${Buffer.from('u:p').toString('base64')}`), 'p');
    assert.equal(basicAuthPassword(enc('nocolon')), undefined);
    assert.equal(basicAuthPassword('Bearer abc'), undefined);
    assert.equal(basicAuthPassword(undefined), undefined);
  });

  it('parses forms into a null-prototype object, first value winning', () => {
    const f = parseForm('a=1&a=2&__proto__=x&b=%3Cscript%3E&c=+plus+');
    assert.equal(Object.getPrototypeOf(f), null);
    assert.equal(f['a'], '1');
    assert.equal(f['__proto__'], 'x');
    assert.equal(f['b'], '<script>');
    assert.equal(f['c'], ' plus ');
  });
});

describe('rpcNodeHealth', () => {
  const dcrd = (ready: boolean, height: number | Error): DcrdProbe => ({
    rpc: { isReady: ready },
    getBlockCount: () =>
      height instanceof Error ? Promise.reject(height) : Promise.resolve(height),
  });
  const wallet = (
    ready: boolean,
    info: Awaited<ReturnType<WalletProbe['walletInfo']>> | Error,
    height: number | Error,
  ): WalletProbe => ({
    rpc: { isReady: ready },
    walletInfo: () => (info instanceof Error ? Promise.reject(info) : Promise.resolve(info)),
    getBestBlock: () =>
      height instanceof Error ? Promise.reject(height) : Promise.resolve({ height }),
  });
  const good = { daemonconnected: true, unlocked: true, voting: true, voteversion: 11 };

  it('reports every node as vspd does', async () => {
    const health = rpcNodeHealth({
      dcrd: { host: 'dcrd:19109', client: dcrd(true, 500) },
      wallets: [
        { name: 'w1', client: wallet(true, good, 500) },
        { name: 'w2', client: wallet(true, new Error('timeout'), 499) },
        { name: 'w3', client: wallet(true, { ...good, unlocked: false }, new Error('x')) },
        { name: 'w4', client: wallet(false, good, 500) },
      ],
    });
    const r = await health.check();
    assert.equal(allHealthy(r), false);
    assert.deepEqual(healthJson(r), {
      dcrd: { host: 'dcrd:19109', connected: true, bestblockerror: false, bestblockheight: 500 },
      wallets: {
        w1: {
          connected: true,
          infoerror: false,
          daemonconnected: true,
          voteversion: 11,
          unlocked: true,
          voting: true,
          bestblockerror: false,
          bestblockheight: 500,
        },
        w2: {
          connected: true,
          infoerror: true,
          daemonconnected: false,
          voteversion: 0,
          unlocked: false,
          voting: false,
          bestblockerror: false,
          bestblockheight: 499,
        },
        w3: {
          connected: true,
          infoerror: false,
          daemonconnected: true,
          voteversion: 11,
          unlocked: false,
          voting: true,
          bestblockerror: true,
          bestblockheight: 0,
        },
        w4: {
          connected: false,
          infoerror: false,
          daemonconnected: false,
          voteversion: 0,
          unlocked: false,
          voting: false,
          bestblockerror: false,
          bestblockheight: 0,
        },
      },
    });
  });

  it('is healthy only when dcrd answers and every wallet is connected, unlocked and voting', async () => {
    const ok = rpcNodeHealth({
      dcrd: { host: 'd', client: dcrd(true, 1) },
      wallets: [{ name: 'w', client: wallet(true, good, 1) }],
    });
    assert.equal(allHealthy(await ok.check()), true);
    const dcrdDown = rpcNodeHealth({ dcrd: { host: 'd', client: dcrd(false, 1) }, wallets: [] });
    assert.equal(allHealthy(await dcrdDown.check()), false);
    const dcrdError = rpcNodeHealth({
      dcrd: { host: 'd', client: dcrd(true, new Error('x')) },
      wallets: [],
    });
    const r = await dcrdError.check();
    assert.equal(r.dcrd.bestBlockError, true);
    assert.equal(allHealthy(r), false);
  });

  it('takes the live RPC clients as they are (checked by the compiler)', () => {
    const live = (d: DcrdClient, w: WalletClient): NodeHealth =>
      rpcNodeHealth({ dcrd: { host: 'h', client: d }, wallets: [{ name: 'w', client: w }] });
    assert.equal(typeof live, 'function');
  });
});
