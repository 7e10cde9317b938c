import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/dcr/bytes.ts';
import { loadOrCreateServerKey, SERVER_KEY_SETTING, ServerKey } from '../../src/vsp/server-key.ts';
import { MemoryStore } from './memory-store.ts';

// RFC 8032 §7.1 TEST 1 and TEST 2: the stored seed is the RFC's secret key, as in Go's
// ed25519.NewKeyFromSeed, so a vspd database's `privatekey` gives the same public key here.
const RFC = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

describe('ServerKey', () => {
  for (const [i, v] of RFC.entries()) {
    it(`RFC 8032 test ${i + 1}: public key and signature`, () => {
      const k = new ServerKey(fromHex(v.seed));
      assert.equal(toHex(k.publicKey), v.pub);
      assert.equal(k.publicKeyBase64, Buffer.from(v.pub, 'hex').toString('base64'));
      const sig = k.sign(fromHex(v.msg));
      assert.equal(Buffer.from(sig, 'base64').toString('hex'), v.sig);
      assert.ok(k.verify(fromHex(v.msg), sig));
    });
  }

  it('signs strings as their UTF-8 bytes and rejects a wrong or malformed signature', () => {
    const k = ServerKey.generate();
    const sig = k.sign('{"a":"é"}');
    assert.equal(sig, k.sign(Buffer.from('{"a":"é"}', 'utf8')));
    assert.ok(k.verify('{"a":"é"}', sig));
    assert.ok(!k.verify('{"a":"e"}', sig));
    assert.ok(!k.verify('{"a":"é"}', 'AAAA'));
  });

  it('refuses seeds that are not 32 bytes', () => {
    assert.throws(() => new ServerKey(new Uint8Array(31)), /^RangeError: seed: expected 32 bytes/);
    assert.throws(() => new ServerKey('x' as unknown as Uint8Array), TypeError);
  });

  it('seed() returns a copy', () => {
    const k = new ServerKey(new Uint8Array(32).fill(9));
    const s = k.seed();
    s.fill(0);
    assert.deepEqual(k.seed(), new Uint8Array(32).fill(9));
  });
});

describe('loadOrCreateServerKey', () => {
  it('creates the key once and reuses it', async () => {
    const store = new MemoryStore();
    const a = await loadOrCreateServerKey(store);
    assert.equal(store.settings.get(SERVER_KEY_SETTING), toHex(a.seed()));
    const b = await loadOrCreateServerKey(store);
    assert.equal(b.publicKeyBase64, a.publicKeyBase64);
  });

  it('loads an existing (e.g. imported vspd) seed', async () => {
    const store = new MemoryStore();
    store.settings.set(SERVER_KEY_SETTING, RFC[0]!.seed);
    const k = await loadOrCreateServerKey(store);
    assert.equal(toHex(k.publicKey), RFC[0]!.pub);
  });

  it('concurrent first starts agree on the first writer’s key', async () => {
    const store = new MemoryStore();
    let n = 0;
    const random = (len: number): Uint8Array => new Uint8Array(len).fill(++n);
    const keys = await Promise.all([
      loadOrCreateServerKey(store, random),
      loadOrCreateServerKey(store, random),
    ]);
    assert.equal(keys[0].publicKeyBase64, keys[1].publicKeyBase64);
  });
});

describe('ServerKey signs with OpenSSL exactly as the pure-JS ed25519 does', () => {
  it('gives byte-identical signatures for random keys and messages', async () => {
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    const { randomBytes } = await import('node:crypto');
    for (let i = 0; i < 50; i++) {
      const seed = randomBytes(32);
      const key = new ServerKey(seed);
      const msg = randomBytes(i * 7);
      const expected = Buffer.from(ed25519.sign(msg, seed)).toString('base64');
      assert.equal(key.sign(msg), expected);
      assert.ok(key.verify(msg, expected));
    }
  });
});
