// The admin's building blocks on their own: password hashing, the failed-login limit, CSRF
// tokens, cookies, basic auth, form parsing and the RPC health probe.
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
import { csrfToken, csrfValid } from '../../../src/web/plugins/csrf.ts';
import { parseCookies, serializeCookie } from '../../../src/web/plugins/session.ts';
import type { ActiveSession } from '../../../src/web/plugins/web-session.ts';

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

describe('CSRF tokens', () => {
  const session = (): ActiveSession => ({
    idHash: 'a'.repeat(64),
    userId: undefined,
    admin: false,
    createdAt: 100,
    expiresAt: 200,
    data: {},
  });

  it('are random per session, kept in its data, and only that session’s pass', () => {
    const a = session();
    const b = session();
    const ta = csrfToken(a);
    assert.match(ta, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(csrfToken(a), ta, 'stable within the session');
    assert.equal(a.data.csrf, ta);
    const tb = csrfToken(b);
    assert.notEqual(ta, tb);
    assert.equal(csrfValid(a, ta), true);
    assert.equal(csrfValid(b, ta), false);
    assert.equal(csrfValid(a, undefined), false);
    assert.equal(csrfValid(a, ''), false);
    assert.equal(csrfValid(a, ['x']), false);
    assert.equal(csrfValid(undefined, ta), false);
    // A session that never showed a form accepts no token at all.
    assert.equal(csrfValid(session(), ta), false);
    const flipped = ta.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal(csrfValid(a, flipped), false);
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
