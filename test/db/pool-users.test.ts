import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  createPoolUser,
  getPoolUser,
  getPoolUserByEmail,
  listPoolUsers,
  MAX_POOL_USER_ID,
  minPoolHeightRegistered,
  PoolFullError,
  poolMultisigOwners,
  poolUserCounts,
  resetStaleVoteBits,
  setPoolUserApiToken,
  setPoolUserEmail,
  setPoolUserEmailVerified,
  setPoolUserMultisig,
  setPoolUserPassword,
  setPoolUserVoteBits,
} from '../../src/db/pool-users.ts';
import type { NewPoolUser, PoolMultisig, PoolUsersTable } from '../../src/db/pool-users.ts';
import type { Db } from '../../src/db/transaction.ts';
import { createTestDatabase, describeEachEngine } from './engines.ts';

let n = 0;
function newUser(overrides: Partial<NewPoolUser> = {}): NewPoolUser {
  n += 1;
  return {
    email: `User${n}.${Math.random().toString(36).slice(2, 8)}@Example.org`,
    passwordHash: `scrypt$N=16384$salt${n}$hash`,
    emailVerified: 0,
    voteBits: 1,
    voteBitsVersion: 10,
    ...overrides,
  };
}

async function created(db: Db, overrides: Partial<NewPoolUser> = {}) {
  const user = await createPoolUser(db, newUser(overrides));
  assert.ok(user, 'created');
  return user;
}

function multisig(id: number, height = 800_000): PoolMultisig {
  return {
    address: `TcMultisig${id}x${Math.random().toString(36).slice(2, 10)}`,
    script: `5121${'02'.padEnd(66, 'a')}21${'03'.padEnd(66, 'b')}52ae`,
    poolPubKeyAddr: `TkPool${id}`,
    userPubKeyAddr: `TkUser${id}`,
    feeAddress: `TsFee${id}`,
    heightRegistered: height,
  };
}

/** Rows for ids [from, to], straight into the table (a pool that is nearly full). */
async function fillIds(db: Db, from: number, to: number): Promise<void> {
  const rows: PoolUsersTable[] = [];
  for (let id = from; id <= to; id++) {
    rows.push({
      id,
      email: `filler${id}@example.org`,
      email_key: `filler${id}@example.org`,
      password_hash: 'x',
      email_verified: 1,
      multisig_address: null,
      multisig_script: null,
      pool_pubkey_addr: null,
      user_pubkey_addr: null,
      fee_address: null,
      height_registered: null,
      vote_bits: 1,
      vote_bits_version: 10,
      api_token: null,
      created_at: 0n,
      updated_at: 0n,
    });
  }
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('pool_users')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

describeEachEngine('pool users', (get, engine) => {
  it('creates an account with the next id and reads it back by id and by email', async () => {
    const { db } = get();
    const before = Math.floor(Date.now() / 1000);
    const input = newUser({ email: '  Alice.Smith@Example.ORG ', emailVerified: 2 });
    const user = await createPoolUser(db, input);
    assert.ok(user);
    assert.deepEqual(
      { ...user, createdAt: 0 },
      {
        id: user.id,
        email: 'Alice.Smith@Example.ORG',
        emailVerified: 2,
        passwordHash: input.passwordHash,
        multisig: undefined,
        voteBits: 1,
        voteBitsVersion: 10,
        apiToken: undefined,
        createdAt: 0,
      },
    );
    assert.ok(user.createdAt >= before);
    assert.deepEqual(await getPoolUser(db, user.id), user);
    assert.deepEqual(await getPoolUserByEmail(db, 'alice.smith@example.org'), user);
    assert.deepEqual(await getPoolUserByEmail(db, ' ALICE.SMITH@EXAMPLE.ORG'), user);
    const next = await created(db);
    assert.equal(next.id, user.id + 1);
  });

  it('returns undefined for unknown users', async () => {
    const { db } = get();
    assert.equal(await getPoolUser(db, 9_998), undefined);
    assert.equal(await getPoolUser(db, 1.5), undefined);
    assert.equal(await getPoolUser(db, 2 ** 40), undefined);
    assert.equal(await getPoolUserByEmail(db, 'nobody@example.org'), undefined);
    assert.equal(await getPoolUserByEmail(db, '   '), undefined);
    assert.equal(await setPoolUserPassword(db, 9_998, 'h'), false);
    assert.equal(await setPoolUserMultisig(db, 9_998, multisig(9_998)), false);
    assert.equal(await setPoolUserEmail(db, 9_998, 'ghost@example.org'), false);
  });

  it('refuses an email already registered in any case, adding nothing', async () => {
    const { db } = get();
    const first = await created(db, { email: 'Dup@Example.org' });
    const { total } = await poolUserCounts(db);
    assert.equal(await createPoolUser(db, newUser({ email: 'dUP@example.ORG' })), undefined);
    assert.equal(await createPoolUser(db, newUser({ email: ' dup@example.org  ' })), undefined);
    assert.equal((await poolUserCounts(db)).total, total);
    assert.equal((await getPoolUserByEmail(db, 'DUP@EXAMPLE.ORG'))?.id, first.id);
  });

  it('keeps an explicit id (import) and continues above it', async () => {
    const { db } = get();
    const imported = await created(db, { id: 5000 });
    assert.equal(imported.id, 5000);
    assert.equal((await created(db)).id, 5001);
    await assert.rejects(createPoolUser(db, newUser({ id: 5000 })), (err: unknown) => {
      assert.ok(err instanceof RangeError);
      assert.match(err.message, /^id: 5000 already belongs/);
      return true;
    });
    // Same email as the stored id 5000: "email taken" wins, as an idempotent import expects.
    assert.equal(await createPoolUser(db, newUser({ id: 5000, email: imported.email })), undefined);
  });

  it('gives concurrent registrations distinct ids', async () => {
    const { db } = get();
    const users = await Promise.all(Array.from({ length: 8 }, () => createPoolUser(db, newUser())));
    const ids = users.map((u) => u?.id);
    assert.ok(ids.every((id) => typeof id === 'number'));
    assert.equal(new Set(ids).size, 8);
  });

  it('lets only one of several concurrent registrations of one email through', async () => {
    const { db } = get();
    const email = `race${Date.now()}@example.org`;
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        createPoolUser(db, newUser({ email: i % 2 ? email : email.toUpperCase() })),
      ),
    );
    assert.equal(results.filter((u) => u !== undefined).length, 1);
  });

  it('validates its input, naming the field', async () => {
    const { db } = get();
    const bad: [Partial<NewPoolUser>, RegExp][] = [
      [{ email: '' }, /\bemail:/],
      [{ email: '   ' }, /\bemail:/],
      [{ email: `${'a'.repeat(250)}@b.cd` }, /\bemail:/],
      [{ passwordHash: '' }, /\bpasswordHash:/],
      [{ emailVerified: 3 as 0 }, /\bemailVerified:/],
      [{ voteBits: 0x10000 }, /\bvoteBits:/],
      [{ voteBits: 1.5 }, /\bvoteBits:/],
      [{ voteBitsVersion: -1 }, /\bvoteBitsVersion:/],
      [{ id: 0 }, /\bid:/],
      [{ id: MAX_POOL_USER_ID + 1 }, /\bid:/],
    ];
    for (const [overrides, message] of bad) {
      await assert.rejects(createPoolUser(db, newUser(overrides)), message);
    }
  });

  it('sets password, verification state, vote bits and the API token', async () => {
    const { db } = get();
    const user = await created(db);
    assert.equal(await setPoolUserPassword(db, user.id, '$2a$10$bcrypthash'), true);
    assert.equal(await setPoolUserEmailVerified(db, user.id, 1), true);
    assert.equal(await setPoolUserVoteBits(db, user.id, 0x0005, 11), true);
    assert.equal(await setPoolUserApiToken(db, user.id, 'eyJhbGciOiJIUzI1NiJ9.e30.sig'), true);
    let got = await getPoolUser(db, user.id);
    assert.equal(got?.passwordHash, '$2a$10$bcrypthash');
    assert.equal(got?.emailVerified, 1);
    assert.equal(got?.voteBits, 5);
    assert.equal(got?.voteBitsVersion, 11);
    assert.equal(got?.apiToken, 'eyJhbGciOiJIUzI1NiJ9.e30.sig');
    assert.equal(await setPoolUserApiToken(db, user.id, undefined), true);
    got = await getPoolUser(db, user.id);
    assert.equal(got?.apiToken, undefined);
    await assert.rejects(setPoolUserApiToken(db, user.id, 'x'.repeat(1025)), /^RangeError: token:/);
    await assert.rejects(setPoolUserVoteBits(db, user.id, -1, 11), /voteBits:/);
  });

  it('changes the email unless another account has it', async () => {
    const { db } = get();
    const a = await created(db);
    const b = await created(db);
    assert.equal(await setPoolUserEmail(db, a.id, 'New.Address@Example.org'), true);
    assert.equal((await getPoolUser(db, a.id))?.email, 'New.Address@Example.org');
    assert.equal((await getPoolUserByEmail(db, 'new.address@example.org'))?.id, a.id);
    assert.equal(await getPoolUserByEmail(db, a.email), undefined);
    // Only the case changes: the key is the user's own.
    assert.equal(await setPoolUserEmail(db, a.id, 'new.address@example.org'), true);
    assert.equal((await getPoolUser(db, a.id))?.email, 'new.address@example.org');
    assert.equal(await setPoolUserEmail(db, b.id, 'NEW.ADDRESS@example.org'), false);
    assert.equal((await getPoolUser(db, b.id))?.email, b.email);
  });

  it('stores a multisig once and never overwrites it', async () => {
    const { db } = get();
    const user = await created(db);
    const m = multisig(user.id);
    assert.equal(await setPoolUserMultisig(db, user.id, m), true);
    assert.deepEqual((await getPoolUser(db, user.id))?.multisig, m);
    assert.equal(await setPoolUserMultisig(db, user.id, multisig(user.id, 1)), false);
    assert.deepEqual((await getPoolUser(db, user.id))?.multisig, m);
    // Two users can never share a P2SH.
    const other = await created(db);
    await assert.rejects(setPoolUserMultisig(db, other.id, { ...m, feeAddress: 'TsOther' }));
    await assert.rejects(
      setPoolUserMultisig(db, other.id, { ...m, script: 'XYZ' }),
      /^TypeError: script:/,
    );
  });

  it('counts users, maps multisig owners and pages through users', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      assert.deepEqual(await poolUserCounts(db), { total: 0, active: 0 });
      assert.deepEqual(await poolMultisigOwners(db), new Map());
      assert.equal(await minPoolHeightRegistered(db), undefined);
      const users = [];
      for (let i = 0; i < 5; i++) users.push(await created(db));
      const m2 = multisig(2, 900);
      const m4 = multisig(4, 700);
      await setPoolUserMultisig(db, users[1]!.id, m2);
      await setPoolUserMultisig(db, users[3]!.id, m4);
      assert.deepEqual(await poolUserCounts(db), { total: 5, active: 2 });
      assert.deepEqual(
        await poolMultisigOwners(db),
        new Map([
          [m2.address, users[1]!.id],
          [m4.address, users[3]!.id],
        ]),
      );
      assert.equal(await minPoolHeightRegistered(db), 700);
      const page1 = await listPoolUsers(db, { afterId: 0, limit: 2 });
      const page2 = await listPoolUsers(db, { afterId: page1[1]!.id, limit: 2 });
      const page3 = await listPoolUsers(db, { afterId: page2[1]!.id, limit: 2 });
      assert.deepEqual(
        [...page1, ...page2, ...page3].map((u) => u.id),
        users.map((u) => u.id),
      );
      assert.deepEqual(await listPoolUsers(db, { afterId: users[4]!.id, limit: 2 }), []);
      assert.deepEqual(await listPoolUsers(db, { afterId: 0, limit: 0 }), []);
    } finally {
      await t.drop();
    }
  });

  it('resets stale vote bits: another version → 1, invalid bits → 1', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const oldVersion = await created(db, { voteBits: 5, voteBitsVersion: 9 });
      const oldDefault = await created(db, { voteBits: 1, voteBitsVersion: 9 });
      const valid = await created(db, { voteBits: 5, voteBitsVersion: 10 });
      const invalid = await created(db, { voteBits: 0x4001, voteBitsVersion: 10 });
      const plain = await created(db, { voteBits: 1, voteBitsVersion: 10 });
      const isValid = (bits: number) => bits === 1 || bits === 5;
      assert.equal(await resetStaleVoteBits(db, 10, isValid), 3);
      const after = async (id: number) => {
        const u = await getPoolUser(db, id);
        return [u?.voteBits, u?.voteBitsVersion];
      };
      assert.deepEqual(await after(oldVersion.id), [1, 10]);
      assert.deepEqual(await after(oldDefault.id), [1, 10]);
      assert.deepEqual(await after(valid.id), [5, 10]);
      assert.deepEqual(await after(invalid.id), [1, 10]);
      assert.deepEqual(await after(plain.id), [1, 10]);
      assert.equal(await resetStaleVoteBits(db, 10, isValid), 0);
    } finally {
      await t.drop();
    }
  });

  it('fills gaps once the top id is taken, then reports a full pool', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      await fillIds(db, 2, MAX_POOL_USER_ID);
      assert.equal((await created(db)).id, 1);
      await assert.rejects(createPoolUser(db, newUser()), PoolFullError);
      await db.deleteFrom('pool_users').where('id', 'in', [4321, 4322]).execute();
      assert.equal((await created(db)).id, 4321);
      assert.equal((await created(db)).id, 4322);
      await assert.rejects(createPoolUser(db, newUser()), (err: unknown) => {
        assert.ok(err instanceof PoolFullError);
        assert.match(err.message, /9999/);
        return true;
      });
    } finally {
      await t.drop();
    }
  });
});
