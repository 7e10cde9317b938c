import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genSaltSync, hash as bcryptHash, hashSync } from 'bcryptjs';
import { DEFAULT_SCRYPT } from '../../src/admin/password.ts';
import { hashUserPassword, needsRehash, verifyUserPassword } from '../../src/pool/password.ts';

// Cheap parameters keep the suite fast; one test uses the default ones.
const FAST = { N: 1 << 10, r: 8, p: 1 };

describe('hashUserPassword / verifyUserPassword (scrypt)', () => {
  it('verifies the password with the default parameters and needs no rehash', async () => {
    const h = await hashUserPassword('correct horse');
    assert.match(h, /^scrypt\$16384\$8\$1\$/);
    assert.equal(await verifyUserPassword(h, 'correct horse'), true);
    assert.equal(await verifyUserPassword(h, 'correct horsE'), false);
    assert.equal(needsRehash(h), false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashUserPassword('pw', FAST), hashUserPassword('pw', FAST)]);
    assert.notEqual(a, b);
    assert.equal(await verifyUserPassword(a, 'pw'), true);
    assert.equal(await verifyUserPassword(b, 'pw'), true);
  });

  it('treats NFC and NFD spellings as the same password', async () => {
    const h = await hashUserPassword('caf\u00e9', FAST);
    assert.equal(await verifyUserPassword(h, 'cafe\u0301'), true);
  });

  it('refuses an empty new password', async () => {
    await assert.rejects(hashUserPassword('', FAST), TypeError);
  });
});

describe('bcrypt hashes imported from dcrstakepool', () => {
  it('verifies a bcryptjs hash of cost 10 and asks for a rehash', async () => {
    const h = await bcryptHash('blake256', 10);
    assert.match(h, /^\$2b\$10\$/);
    assert.equal(await verifyUserPassword(h, 'blake256'), true);
    assert.equal(await verifyUserPassword(h, 'blake257'), false);
    assert.equal(needsRehash(h), true);
  });

  it('verifies the hash Go x/crypto/bcrypt produces (its TestBcryptingIsCorrect vector)', async () => {
    const h = '$2a$10$XajjQvNhvvRt5GSeFk1xFeyqRrsxkhBkUiQeg0dt.wU1qD4aFDcga';
    assert.equal(await verifyUserPassword(h, 'allmine'), true);
    assert.equal(await verifyUserPassword(h, 'allmine '), false);
    assert.equal(needsRehash(h), true);
  });

  it("verifies Go's $2a$ form and the $2y$ form", async () => {
    const salt = genSaltSync(4).slice(4); // "04$<22 chars>"
    for (const v of ['2a', '2y']) {
      const h = hashSync('pässword', `$${v}$${salt}`);
      assert.ok(h.startsWith(`$${v}$04$`), h);
      assert.equal(await verifyUserPassword(h, 'pässword'), true, v);
      assert.equal(await verifyUserPassword(h, 'password'), false, v);
    }
  });

  it('refuses a bcrypt cost too high to run', async () => {
    const h = hashSync('pw', genSaltSync(4)).replace('$04$', '$31$');
    assert.equal(await verifyUserPassword(h, 'pw'), false);
  });
});

describe('verifyUserPassword on bad input', () => {
  it('matches nothing for unknown or malformed stored values', async () => {
    for (const stored of [
      '',
      'pw',
      'scrypt$',
      'scrypt$16384$8$1$abc$def',
      '$2a$10$short',
      '$1$x$y',
    ]) {
      assert.equal(await verifyUserPassword(stored, 'pw'), false, stored);
      assert.equal(await verifyUserPassword(stored, stored), false, `${stored} as itself`);
    }
  });

  it('refuses an empty or non-string candidate', async () => {
    const h = await hashUserPassword('pw', FAST);
    assert.equal(await verifyUserPassword(h, ''), false);
    assert.equal(await verifyUserPassword(h, undefined as unknown as string), false);
  });
});

describe('needsRehash', () => {
  it('is true for scrypt weaker than the default', async () => {
    assert.equal(needsRehash(await hashUserPassword('pw', FAST)), true);
    assert.equal(needsRehash(await hashUserPassword('pw', { ...DEFAULT_SCRYPT, r: 4 })), true);
  });

  it('is false for scrypt at least as strong', async () => {
    const stronger = { N: DEFAULT_SCRYPT.N, r: DEFAULT_SCRYPT.r, p: 2 };
    assert.equal(needsRehash(await hashUserPassword('pw', stronger)), false);
  });

  it('is true for a short salt and for unknown forms', () => {
    const shortSalt = `scrypt$16384$8$1$${Buffer.alloc(8).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;
    assert.equal(needsRehash(shortSalt), true);
    assert.equal(needsRehash('plain'), true);
    assert.equal(needsRehash('scrypt$bad'), true);
  });
});
