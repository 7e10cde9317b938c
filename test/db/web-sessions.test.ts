import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { it } from 'node:test';
import {
  createWebSession,
  deleteAdminWebSessions,
  deleteUserWebSessions,
  deleteWebSession,
  getWebSession,
  purgeExpiredWebSessions,
  updateWebSessionData,
} from '../../src/db/web-sessions.ts';
import type { WebSession } from '../../src/db/web-sessions.ts';
import { createTestDatabase, describeEachEngine } from './engines.ts';

const NOW = 1_750_000_000;
const SIX_HOURS = 6 * 3600;

function idHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

function session(overrides: Partial<WebSession> = {}): WebSession {
  return {
    idHash: idHash(),
    userId: undefined,
    admin: false,
    data: { csrf: randomBytes(16).toString('hex') },
    createdAt: NOW,
    expiresAt: NOW + SIX_HOURS,
    ...overrides,
  };
}

describeEachEngine('web sessions', (get, engine) => {
  it('stores a session and reads it back until it expires', async () => {
    const { db } = get();
    const s = session({
      userId: 42,
      data: { csrf: 'abc', flashes: [{ kind: 'ok', text: 'Saved ✓' }], captcha: null },
    });
    await createWebSession(db, s);
    assert.deepEqual(await getWebSession(db, s.idHash, NOW), s);
    assert.deepEqual(await getWebSession(db, s.idHash, s.expiresAt - 1), s);
    assert.equal(await getWebSession(db, s.idHash, s.expiresAt), undefined);
    assert.equal(await getWebSession(db, s.idHash, s.expiresAt + 1), undefined);
  });

  it('keeps anonymous and admin sessions apart from user ones', async () => {
    const { db } = get();
    const anon = session();
    const admin = session({ admin: true });
    await createWebSession(db, anon);
    await createWebSession(db, admin);
    const a = await getWebSession(db, anon.idHash, NOW);
    assert.equal(a?.userId, undefined);
    assert.equal(a?.admin, false);
    assert.equal((await getWebSession(db, admin.idHash, NOW))?.admin, true);
  });

  it('returns undefined for unknown or malformed ids', async () => {
    const { db } = get();
    assert.equal(await getWebSession(db, idHash(), NOW), undefined);
    assert.equal(await getWebSession(db, 'not-a-hash', NOW), undefined);
    assert.equal(await getWebSession(db, idHash().toUpperCase(), NOW), undefined);
    assert.equal(await updateWebSessionData(db, idHash(), {}), false);
    assert.equal(await deleteWebSession(db, idHash()), false);
  });

  it('replaces the data', async () => {
    const { db } = get();
    const s = session();
    await createWebSession(db, s);
    assert.equal(await updateWebSessionData(db, s.idHash, { captchaDone: true }), true);
    assert.deepEqual((await getWebSession(db, s.idHash, NOW))?.data, { captchaDone: true });
  });

  it('deletes one session', async () => {
    const { db } = get();
    const s = session({ userId: 7 });
    await createWebSession(db, s);
    assert.equal(await deleteWebSession(db, s.idHash), true);
    assert.equal(await getWebSession(db, s.idHash, NOW), undefined);
    assert.equal(await deleteWebSession(db, s.idHash), false);
  });

  it("ends a user's sessions everywhere, optionally except the current one", async () => {
    const { db } = get();
    const mine = [session({ userId: 1001 }), session({ userId: 1001 }), session({ userId: 1001 })];
    const other = session({ userId: 1002 });
    const anon = session();
    for (const s of [...mine, other, anon]) await createWebSession(db, s);
    assert.equal(await deleteUserWebSessions(db, 1001, mine[0]!.idHash), 2);
    assert.ok(await getWebSession(db, mine[0]!.idHash, NOW));
    assert.equal(await getWebSession(db, mine[1]!.idHash, NOW), undefined);
    assert.equal(await getWebSession(db, mine[2]!.idHash, NOW), undefined);
    assert.ok(await getWebSession(db, other.idHash, NOW));
    assert.ok(await getWebSession(db, anon.idHash, NOW));
    assert.equal(await deleteUserWebSessions(db, 1001), 1);
    assert.equal(await getWebSession(db, mine[0]!.idHash, NOW), undefined);
    assert.equal(await deleteUserWebSessions(db, 1001), 0);
  });

  it('validates what it stores, naming the field', async () => {
    const { db } = get();
    await assert.rejects(createWebSession(db, session({ idHash: 'abc' })), /TypeError: idHash:/);
    await assert.rejects(
      createWebSession(db, session({ data: [] as unknown as Record<string, unknown> })),
      /TypeError: data:/,
    );
    await assert.rejects(
      createWebSession(db, session({ data: { big: 'x'.repeat(70_000) } })),
      /RangeError: data:/,
    );
    await assert.rejects(
      createWebSession(db, session({ expiresAt: -1 })),
      /RangeError: expiresAt:/,
    );
    await assert.rejects(createWebSession(db, session({ userId: 1.5 })), /RangeError: userId:/);
    const s = session();
    await createWebSession(db, s);
    await assert.rejects(createWebSession(db, { ...session(), idHash: s.idHash }));
  });

  it('ends admin sessions and purges expired ones', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const admin1 = session({ admin: true });
      const admin2 = session({ admin: true, expiresAt: NOW + 10 });
      const user = session({ userId: 3, expiresAt: NOW + 10 });
      const old = session({ userId: 4, expiresAt: NOW - 1 });
      for (const s of [admin1, admin2, user, old]) await createWebSession(db, s);
      assert.equal(await deleteAdminWebSessions(db), 2);
      assert.equal(await getWebSession(db, admin1.idHash, NOW), undefined);
      assert.ok(await getWebSession(db, user.idHash, NOW));
      assert.equal(await purgeExpiredWebSessions(db, NOW), 1);
      assert.equal(await purgeExpiredWebSessions(db, NOW + 10), 1);
      assert.equal(await getWebSession(db, user.idHash, NOW), undefined);
      assert.equal(await purgeExpiredWebSessions(db, NOW + 10), 0);
    } finally {
      await t.drop();
    }
  });
});
