// Bearer tokens: a token must verify with apisecret (HS256 only) AND be the one stored for its
// user. Everything else leaves the request unauthenticated: code 16 from every user command.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { setPoolUserApiToken } from '../../../src/db/pool-users.ts';
import { signApiToken } from '../../../src/pool/api-token.ts';
import { bearerToken } from '../../../src/web/routes/api/v1/auth.ts';
import {
  API_SECRET,
  apiHarness,
  BASE_URL,
  call,
  envelope,
  newUser,
  tamper,
  suiteHarness,
} from './harness.ts';

const UNAUTH = {
  status: 'error',
  code: 16,
  message: 'purchaseinfo error - invalid api token',
} as const;
const NO_ADDRESS = {
  status: 'error',
  code: 9,
  message: 'purchaseinfo error - no address submitted',
} as const;

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('api tokens', () => {
  const h = suiteHarness(apiHarness);

  const purchaseInfo = (headers: Record<string, string>) =>
    call(h, '/api/v1/getpurchaseinfo', { headers });

  test('the stored token authenticates; the scheme is case-insensitive', async () => {
    const { token } = await newUser(h);
    envelope(await purchaseInfo({ authorization: `Bearer ${token}` }), NO_ADDRESS);
    envelope(await purchaseInfo({ authorization: `bearer ${token}` }), NO_ADDRESS);
  });

  test('no header, another scheme, an empty or malformed token: 16', async () => {
    const { token } = await newUser(h);
    for (const authorization of [
      undefined,
      `Basic ${token}`,
      `Token ${token}`,
      token,
      'Bearer ',
      'Bearer',
      `Bearer ${token} extra`,
      'Bearer not-a-jwt',
      'Bearer a.b.c',
    ]) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      envelope(await purchaseInfo(headers), UNAUTH);
    }
  });

  test('a tampered signature: 16', async () => {
    const { token } = await newUser(h);
    const bad = tamper(token);
    assert.notEqual(bad, token);
    envelope(await purchaseInfo({ authorization: `Bearer ${bad}` }), UNAUTH);
  });

  test('a tampered payload (another user id) under the original signature: 16', async () => {
    const a = await newUser(h);
    const b = await newUser(h);
    const [head, , sig] = a.token.split('.');
    const forged = `${head}.${b64({ iat: 1, iss: BASE_URL, loggedInAs: b.user.id })}.${sig}`;
    envelope(await purchaseInfo({ authorization: `Bearer ${forged}` }), UNAUTH);
  });

  test('alg none is refused even when it is the stored token', async () => {
    const { user } = await newUser(h);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iat: 1, iss: BASE_URL, loggedInAs: user.id })}.`;
    await setPoolUserApiToken(h.t.db, user.id, none);
    envelope(await purchaseInfo({ authorization: `Bearer ${none}` }), UNAUTH);
  });

  test('another HMAC (HS512) with the right secret is refused even when stored', async () => {
    const { user } = await newUser(h);
    const hs512 = await new SignJWT({ iat: 1, iss: BASE_URL, loggedInAs: user.id })
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .sign(new TextEncoder().encode(API_SECRET));
    await setPoolUserApiToken(h.t.db, user.id, hs512);
    envelope(await purchaseInfo({ authorization: `Bearer ${hs512}` }), UNAUTH);
  });

  test('signed with another secret, even when stored: 16', async () => {
    const { user } = await newUser(h);
    const other = await signApiToken('another secret', { issuer: BASE_URL, userId: user.id });
    await setPoolUserApiToken(h.t.db, user.id, other);
    envelope(await purchaseInfo({ authorization: `Bearer ${other}` }), UNAUTH);
  });

  test('revoked: the old token stops working (dcrstakepool could not do this)', async () => {
    const { user, token } = await newUser(h);
    envelope(await purchaseInfo({ authorization: `Bearer ${token}` }), NO_ADDRESS);
    await setPoolUserApiToken(h.t.db, user.id, undefined);
    envelope(await purchaseInfo({ authorization: `Bearer ${token}` }), UNAUTH);
  });

  test('regenerated: only the new token works', async () => {
    const { user, token } = await newUser(h);
    const fresh = await signApiToken(API_SECRET, {
      issuer: BASE_URL,
      userId: user.id,
      issuedAt: Math.floor(h.clock.ms / 1000),
    });
    assert.notEqual(fresh, token);
    await setPoolUserApiToken(h.t.db, user.id, fresh);
    envelope(await purchaseInfo({ authorization: `Bearer ${token}` }), UNAUTH);
    envelope(await purchaseInfo({ authorization: `Bearer ${fresh}` }), NO_ADDRESS);
  });

  test('a valid token of a user who never had it stored (never issued): 16', async () => {
    const { token } = await newUser(h, { token: false });
    envelope(await purchaseInfo({ authorization: `Bearer ${token}` }), UNAUTH);
  });

  test('a valid token for a user id that does not exist: 16', async () => {
    const a = await newUser(h);
    const impostor = await signApiToken(API_SECRET, { issuer: BASE_URL, userId: 9999 });
    envelope(await purchaseInfo({ authorization: `Bearer ${impostor}` }), UNAUTH);
    assert.ok(a.token);
  });

  test('every user command answers 16 for a revoked token', async () => {
    const { user, token } = await newUser(h);
    await setPoolUserApiToken(h.t.db, user.id, undefined);
    for (const v of ['v1', 'v2']) {
      envelope(await call(h, `/api/${v}/getpurchaseinfo`, { token }), {
        ...UNAUTH,
      });
      envelope(await call(h, `/api/${v}/address`, { token, form: { UserPubKeyAddr: 'x' } }), {
        status: 'error',
        code: 16,
        message: 'address error - invalid api token',
      });
      envelope(await call(h, `/api/${v}/voting`, { token, form: { VoteBits: '1' } }), {
        status: 'error',
        code: 16,
        message: 'voting error - invalid api token',
      });
    }
  });

  test('bearerToken parses only the Bearer scheme', () => {
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('BEARER  abc '), 'abc');
    assert.equal(bearerToken(['Bearer x', 'Bearer y']), 'x');
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken('Bearer a b'), undefined);
  });
});
