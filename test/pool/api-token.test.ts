import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { MAX_API_TOKEN_LENGTH, signApiToken, verifyApiToken } from '../../src/pool/api-token.ts';

// dcrstakepool apiClientExample.sh: {"iat":1481730366,"iss":"http://127.0.0.1:8000","loggedInAs":64}
// signed with a secret we do not know.
const EXAMPLE =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE0ODE3MzAzNjYsImlzcyI6Imh0dHA6Ly8xMjcuMC4wLjE6ODAwMCIsImxvZ2dlZEluQXMiOjY0fQ.DS49iqN3hFjAqwTnUKIbJ-Mg3sdwKUVE_diwp7dTok4';
const EXAMPLE_IAT = 1481730366;
const EXAMPLE_ISS = 'http://127.0.0.1:8000';
// The apisecret of dcrstakepool's harness.sh.
const SECRET = 'not_very_secret_at_all';
const NOW = 1_700_000_000;

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A JWT signed as Go's jwt-go SignedString([]byte(secret)) does, with HMAC over the raw bytes. */
function goToken(secret: string, header: unknown, payload: unknown, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, Buffer.from(secret, 'utf8')).update(input).digest('base64url')}`;
}

/** Change the character at `i` to another base64url character. */
function flipAt(s: string, i: number): string {
  const c = s[i]!;
  return s.slice(0, i) + (c === 'A' ? 'B' : 'A') + s.slice(i + 1);
}

const HS256 = { alg: 'HS256', typ: 'JWT' };
const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iat: EXAMPLE_IAT,
  iss: EXAMPLE_ISS,
  loggedInAs: 64,
  ...extra,
});

describe('signApiToken / verifyApiToken', () => {
  it('round-trips user id and issue time', async () => {
    const t = await signApiToken(SECRET, {
      issuer: 'https://pool.example',
      userId: 42,
      issuedAt: NOW,
    });
    assert.deepEqual(await verifyApiToken(SECRET, t, { now: NOW }), { userId: 42, issuedAt: NOW });
  });

  it('defaults iat to now', async () => {
    const before = Math.floor(Date.now() / 1000);
    const t = await signApiToken(SECRET, { issuer: 'x', userId: 1 });
    const v = await verifyApiToken(SECRET, t);
    assert.ok(v !== undefined && v.issuedAt >= before && v.userId === 1);
  });

  it("signs the reference example's header and claims byte for byte", async () => {
    const t = await signApiToken(SECRET, {
      issuer: EXAMPLE_ISS,
      userId: 64,
      issuedAt: EXAMPLE_IAT,
    });
    const [h, p, s] = t.split('.');
    const [eh, ep] = EXAMPLE.split('.');
    assert.equal(h, eh);
    assert.equal(p, ep);
    // …and the signature is HMAC-SHA256 keyed with the secret string's bytes, as dcrstakepool's.
    assert.equal(s, createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'));
    assert.equal(t, goToken(SECRET, HS256, claims()));
    assert.deepEqual(await verifyApiToken(SECRET, t, { now: NOW }), {
      userId: 64,
      issuedAt: EXAMPLE_IAT,
    });
  });

  it('verifies a token dcrstakepool signed (the example re-signed with a known secret)', async () => {
    const [eh, ep] = EXAMPLE.split('.');
    const input = `${eh}.${ep}`;
    for (const secret of [SECRET, 'sécret ☃ with spaces']) {
      const sig = createHmac('sha256', Buffer.from(secret, 'utf8'))
        .update(input)
        .digest('base64url');
      assert.deepEqual(await verifyApiToken(secret, `${input}.${sig}`, { now: NOW }), {
        userId: 64,
        issuedAt: EXAMPLE_IAT,
      });
    }
  });

  it('refuses the example under a secret it was not signed with', async () => {
    assert.equal(await verifyApiToken(SECRET, EXAMPLE, { now: NOW }), undefined);
  });

  it('refuses a wrong secret', async () => {
    const t = await signApiToken(SECRET, { issuer: 'x', userId: 5, issuedAt: NOW });
    assert.equal(await verifyApiToken(`${SECRET}!`, t, { now: NOW }), undefined);
  });

  it('refuses tampered tokens', async () => {
    const t = await signApiToken(SECRET, { issuer: 'x', userId: 5, issuedAt: NOW });
    const [h, p, s] = t.split('.') as [string, string, string];
    const otherUser = b64({ iat: NOW, iss: 'x', loggedInAs: 6 });
    assert.equal(await verifyApiToken(SECRET, `${h}.${otherUser}.${s}`, { now: NOW }), undefined);
    assert.equal(
      await verifyApiToken(SECRET, `${h}.${p}.${flipAt(s, 10)}`, { now: NOW }),
      undefined,
    );
    assert.equal(
      await verifyApiToken(SECRET, `${h}.${flipAt(p, 5)}.${s}`, { now: NOW }),
      undefined,
    );
    assert.equal(await verifyApiToken(SECRET, `${h}.${p}.`, { now: NOW }), undefined);
    assert.equal(await verifyApiToken(SECRET, `${h}.${p}`, { now: NOW }), undefined);
  });

  it('refuses alg none and every algorithm but HS256', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    assert.equal(await verifyApiToken(SECRET, none, { now: NOW }), undefined);
    const noneSigned = goToken(SECRET, { alg: 'none', typ: 'JWT' }, claims());
    assert.equal(await verifyApiToken(SECRET, noneSigned, { now: NOW }), undefined);
    for (const [alg, hash] of [
      ['HS384', 'sha384'],
      ['HS512', 'sha512'],
    ] as const) {
      const t = goToken(SECRET, { alg, typ: 'JWT' }, claims(), hash);
      assert.equal(await verifyApiToken(SECRET, t, { now: NOW }), undefined, alg);
    }
    // HS256 signature under a header that claims RS256.
    const rs = goToken(SECRET, { alg: 'RS256', typ: 'JWT' }, claims());
    assert.equal(await verifyApiToken(SECRET, rs, { now: NOW }), undefined);
    // An unencoded payload (b64: false) is not a JWT.
    const b64false = goToken(SECRET, { alg: 'HS256', b64: false, crit: ['b64'] }, claims());
    assert.equal(await verifyApiToken(SECRET, b64false, { now: NOW }), undefined);
  });

  it('refuses expired, not-yet-valid and future-issued tokens, accepts an unexpired exp', async () => {
    const at = (extra: Record<string, unknown>): string => goToken(SECRET, HS256, claims(extra));
    assert.equal(await verifyApiToken(SECRET, at({ exp: NOW - 10 }), { now: NOW }), undefined);
    assert.equal(await verifyApiToken(SECRET, at({ nbf: NOW + 3600 }), { now: NOW }), undefined);
    assert.equal(await verifyApiToken(SECRET, at({ iat: NOW + 3600 }), { now: NOW }), undefined);
    assert.deepEqual(await verifyApiToken(SECRET, at({ exp: NOW + 10 }), { now: NOW }), {
      userId: 64,
      issuedAt: EXAMPLE_IAT,
    });
  });

  it('refuses missing or malformed claims', async () => {
    const bad: Record<string, unknown>[] = [
      { iat: EXAMPLE_IAT, iss: EXAMPLE_ISS },
      { iss: EXAMPLE_ISS, loggedInAs: 64 },
      claims({ loggedInAs: '64' }),
      claims({ loggedInAs: 0 }),
      claims({ loggedInAs: -3 }),
      claims({ loggedInAs: 1.5 }),
      claims({ loggedInAs: null }),
      claims({ iat: '1481730366' }),
      claims({ iat: 1.5 }),
    ];
    for (const payload of bad) {
      const t = goToken(SECRET, HS256, payload);
      assert.equal(
        await verifyApiToken(SECRET, t, { now: NOW }),
        undefined,
        JSON.stringify(payload),
      );
    }
  });

  it('refuses garbage and over-long tokens without throwing', async () => {
    for (const t of ['', 'abc', 'a.b.c', '...', 'Bearer x', '\u0000']) {
      assert.equal(await verifyApiToken(SECRET, t, { now: NOW }), undefined);
    }
    const long = goToken(SECRET, HS256, claims({ pad: 'x'.repeat(MAX_API_TOKEN_LENGTH) }));
    assert.equal(await verifyApiToken(SECRET, long, { now: NOW }), undefined);
    assert.equal(await verifyApiToken(SECRET, 42 as unknown as string), undefined);
  });

  it('refuses to sign or verify without a secret, and bad claims', async () => {
    await assert.rejects(signApiToken('', { issuer: 'x', userId: 1 }), TypeError);
    await assert.rejects(verifyApiToken('', EXAMPLE), TypeError);
    await assert.rejects(signApiToken(SECRET, { issuer: 'x', userId: 0 }), /userId/);
    await assert.rejects(
      signApiToken(SECRET, { issuer: 'x', userId: 1, issuedAt: -1 }),
      /issuedAt/,
    );
  });
});
