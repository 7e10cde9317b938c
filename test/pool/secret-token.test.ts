import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isSecretTokenFormat,
  newSecretToken,
  secretTokenHash,
} from '../../src/pool/secret-token.ts';

describe('newSecretToken', () => {
  it('is 16 random bytes as 32 lowercase hex characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const t = newSecretToken();
      assert.match(t, /^[0-9a-f]{32}$/);
      assert.equal(isSecretTokenFormat(t), true);
      seen.add(t);
    }
    assert.equal(seen.size, 100);
  });
});

describe('isSecretTokenFormat', () => {
  it('accepts 32 hex characters in either case, as dcrstakepool did', () => {
    assert.equal(isSecretTokenFormat('00112233445566778899aabbccddeeff'), true);
    assert.equal(isSecretTokenFormat('00112233445566778899AABBCCDDEEFF'), true);
  });

  it('refuses other lengths, non-hex and non-strings', () => {
    for (const t of [
      '',
      '00112233445566778899aabbccddeef',
      '00112233445566778899aabbccddeeff0',
      '00112233445566778899aabbccddeefg',
      ' 00112233445566778899aabbccddeeff',
      '00112233445566778899aabbccddeeff\n',
    ]) {
      assert.equal(isSecretTokenFormat(t), false, JSON.stringify(t));
    }
    assert.equal(isSecretTokenFormat(undefined), false);
    assert.equal(isSecretTokenFormat(42), false);
  });
});

describe('secretTokenHash', () => {
  it('is the SHA-256 hex of the lowercase token', () => {
    // sha256("00000000000000000000000000000000")
    assert.equal(
      secretTokenHash('0'.repeat(32)),
      '84e0c0eafaa95a34c293f278ac52e45ce537bab5e752a00e6959a13ae103b65a',
    );
    const t = newSecretToken();
    assert.match(secretTokenHash(t), /^[0-9a-f]{64}$/);
    assert.equal(secretTokenHash(t.toUpperCase()), secretTokenHash(t));
    assert.notEqual(secretTokenHash(t), secretTokenHash(newSecretToken()));
  });

  it('refuses a non-string', () => {
    assert.throws(() => secretTokenHash(undefined as unknown as string), TypeError);
  });
});
