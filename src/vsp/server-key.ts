// The VSP's ed25519 response-signing key. Wallets pin its public key (dcrwallet --vsp.pubkey,
// the decred.org VSP listing), so it is created once and never replaced. The stored form is the
// 32-byte RFC 8032 seed, the same bytes vspd keeps under `privatekey`, so a vspd key can be
// imported and keep working.
import { createPrivateKey, randomBytes, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromHex, toHex } from '../dcr/bytes.ts';
import type { SettingsStore } from './store.ts';

/** Settings name of the hex seed (src/db SETTING_KEYS.vspSigningKey). */
export const SERVER_KEY_SETTING = 'vsp.signing_key';

const SEED_BYTES = 32;
/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class ServerKey {
  readonly #seed: Uint8Array;
  /** The same key for node:crypto (OpenSSL), which signs ~15× faster than pure JS. */
  readonly #keyObject: KeyObject;
  readonly publicKey: Uint8Array;
  /** Standard base64 with padding: what /vspinfo reports and wallets are configured with. */
  readonly publicKeyBase64: string;

  constructor(seed: Uint8Array) {
    if (!(seed instanceof Uint8Array)) throw new TypeError('seed: expected bytes');
    if (seed.length !== SEED_BYTES) {
      throw new RangeError(`seed: expected ${SEED_BYTES} bytes, got ${seed.length}`);
    }
    this.#seed = Uint8Array.from(seed);
    this.#keyObject = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, this.#seed]),
      format: 'der',
      type: 'pkcs8',
    });
    this.publicKey = ed25519.getPublicKey(this.#seed);
    this.publicKeyBase64 = Buffer.from(this.publicKey).toString('base64');
  }

  static generate(random: (n: number) => Uint8Array = randomBytes): ServerKey {
    return new ServerKey(random(SEED_BYTES));
  }

  /** The seed, for backups and export. */
  seed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  /**
   * base64 of the 64-byte ed25519 signature of `message` (a string is signed as UTF-8). Ed25519
   * signatures are deterministic, so OpenSSL's are byte-identical to noble's (a test checks).
   */
  sign(message: Uint8Array | string): string {
    const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    return cryptoSign(null, bytes, this.#keyObject).toString('base64');
  }

  verify(message: Uint8Array | string, signatureBase64: string): boolean {
    const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    const sig = Buffer.from(signatureBase64, 'base64');
    if (sig.length !== 64) return false;
    try {
      return ed25519.verify(sig, bytes, this.publicKey);
    } catch {
      return false;
    }
  }
}

/**
 * Load the signing key from settings, creating it on first use. Creation is insert-if-absent
 * returning the stored value, so several processes starting together all end up with the key
 * the first writer stored.
 */
export async function loadOrCreateServerKey(
  store: SettingsStore,
  random: (n: number) => Uint8Array = randomBytes,
): Promise<ServerKey> {
  const hex =
    (await store.getSetting(SERVER_KEY_SETTING)) ??
    (await store.setSettingIfAbsent(SERVER_KEY_SETTING, toHex(random(SEED_BYTES))));
  return new ServerKey(fromHex(hex, SERVER_KEY_SETTING));
}
