import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { it } from 'node:test';
import {
  deletePoolTokens,
  insertPoolToken,
  peekPoolToken,
  purgeExpiredPoolTokens,
  takePoolToken,
} from '../../src/db/pool-tokens.ts';
import type { PoolToken } from '../../src/db/pool-tokens.ts';
import { createTestDatabase, describeEachEngine } from './engines.ts';

const NOW = 1_750_000_000;
const HOUR = 3600;

function tokenHash(): string {
  return createHash('sha256').update(randomBytes(16).toString('hex')).digest('hex');
}

function token(
  overrides: Partial<Omit<PoolToken, 'createdAt'>> = {},
): Omit<PoolToken, 'createdAt'> {
  return {
    tokenHash: tokenHash(),
    userId: 12,
    kind: 'reset_password',
    newEmail: undefined,
    expiresAt: NOW + HOUR,
    ...overrides,
  };
}

const withoutCreatedAt = (t: PoolToken | undefined) => {
  if (t === undefined) return undefined;
  const { createdAt, ...rest } = t;
  assert.equal(typeof createdAt, 'number');
  return rest;
};

describeEachEngine('pool tokens', (get, engine) => {
  it('peeks a valid token without using it up', async () => {
    const { db } = get();
    const t = token({ kind: 'verify_email' });
    await insertPoolToken(db, t);
    assert.deepEqual(
      withoutCreatedAt(await peekPoolToken(db, t.tokenHash, 'verify_email', NOW)),
      t,
    );
    assert.deepEqual(
      withoutCreatedAt(await peekPoolToken(db, t.tokenHash, 'verify_email', NOW)),
      t,
    );
  });

  it('takes a token exactly once', async () => {
    const { db } = get();
    const t = token();
    await insertPoolToken(db, t);
    assert.deepEqual(
      withoutCreatedAt(await takePoolToken(db, t.tokenHash, 'reset_password', NOW)),
      t,
    );
    assert.equal(await takePoolToken(db, t.tokenHash, 'reset_password', NOW), undefined);
    assert.equal(await peekPoolToken(db, t.tokenHash, 'reset_password', NOW), undefined);
  });

  it('hands a token to only one of several racing takers', async () => {
    const { db } = get();
    const t = token();
    await insertPoolToken(db, t);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => takePoolToken(db, t.tokenHash, 'reset_password', NOW)),
    );
    assert.equal(results.filter((r) => r !== undefined).length, 1);
  });

  it('refuses a token of another kind, and leaves it usable for its own', async () => {
    const { db } = get();
    const t = token({ kind: 'reset_password' });
    await insertPoolToken(db, t);
    assert.equal(await peekPoolToken(db, t.tokenHash, 'verify_email', NOW), undefined);
    assert.equal(await takePoolToken(db, t.tokenHash, 'change_email', NOW), undefined);
    assert.ok(await takePoolToken(db, t.tokenHash, 'reset_password', NOW));
  });

  it('expires at expiresAt', async () => {
    const { db } = get();
    const t = token({ expiresAt: NOW + HOUR });
    await insertPoolToken(db, t);
    assert.equal(await peekPoolToken(db, t.tokenHash, 'reset_password', NOW + HOUR), undefined);
    assert.equal(await takePoolToken(db, t.tokenHash, 'reset_password', NOW + HOUR), undefined);
    assert.equal(await takePoolToken(db, t.tokenHash, 'reset_password', NOW + 2 * HOUR), undefined);
    assert.ok(await takePoolToken(db, t.tokenHash, 'reset_password', NOW + HOUR - 1));
  });

  it('carries the new address of an email change, and only there', async () => {
    const { db } = get();
    const t = token({ kind: 'change_email', newEmail: 'New@Example.org' });
    await insertPoolToken(db, t);
    assert.equal(
      (await takePoolToken(db, t.tokenHash, 'change_email', NOW))?.newEmail,
      'New@Example.org',
    );
    await assert.rejects(
      insertPoolToken(db, token({ kind: 'change_email' })),
      /TypeError: newEmail:/,
    );
    await assert.rejects(
      insertPoolToken(db, token({ kind: 'verify_email', newEmail: 'x@y.z' })),
      /TypeError: newEmail:/,
    );
  });

  it('returns undefined for unknown or malformed tokens and validates input', async () => {
    const { db } = get();
    assert.equal(await peekPoolToken(db, tokenHash(), 'verify_email', NOW), undefined);
    assert.equal(await takePoolToken(db, 'zz', 'verify_email', NOW), undefined);
    await assert.rejects(insertPoolToken(db, token({ tokenHash: 'abc' })), /TypeError: tokenHash:/);
    await assert.rejects(
      insertPoolToken(db, token({ kind: 'login' as 'verify_email' })),
      /TypeError: kind:/,
    );
    await assert.rejects(insertPoolToken(db, token({ userId: 0 })), /RangeError: userId:/);
    await assert.rejects(insertPoolToken(db, token({ expiresAt: 1.5 })), /RangeError: expiresAt:/);
  });

  it("deletes a user's tokens, of one kind or all, and purges expired ones", async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const reset1 = token({ userId: 5 });
      const reset2 = token({ userId: 5, expiresAt: NOW - 1 });
      const verify = token({ userId: 5, kind: 'verify_email' });
      const other = token({ userId: 6 });
      for (const x of [reset1, reset2, verify, other]) await insertPoolToken(db, x);
      // An email change drops the reset tokens (#320) and nothing else.
      assert.equal(await deletePoolTokens(db, 5, 'reset_password'), 2);
      assert.ok(await peekPoolToken(db, verify.tokenHash, 'verify_email', NOW));
      assert.equal(await deletePoolTokens(db, 5), 1);
      assert.ok(await peekPoolToken(db, other.tokenHash, 'reset_password', NOW));
      assert.equal(await purgeExpiredPoolTokens(db, NOW + HOUR), 1);
      assert.equal(await peekPoolToken(db, other.tokenHash, 'reset_password', NOW), undefined);
    } finally {
      await t.drop();
    }
  });
});
