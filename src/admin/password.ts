// The admin password is kept in memory only as an scrypt hash made at startup, and candidates are
// compared by hashing them the same way and comparing the digests in constant time. vspd keeps the
// plain text (decred/vspd#281); here a leaked heap dump or a debug log gives an attacker a slow
// hash to crack, not the password. A config may also hold the encoded hash itself instead of the
// password (see encodePasswordHash), so the plain text need not be on disk either.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

export interface PasswordHash {
  readonly params: ScryptParams;
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
}

/** 16 MiB and some tens of milliseconds per check: slow to guess, fine for one admin. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 14, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const PREFIX = 'scrypt$';

function derive(password: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // node's default cap is 32 MiB; allow what the parameters need, with headroom.
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

function checkParams(params: ScryptParams): ScryptParams {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 2 || N > 1 << 20 || (N & (N - 1)) !== 0) {
    throw new RangeError(`N: must be a power of two from 2 to 2^20, got ${N}`);
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) throw new RangeError(`r: must be 1..32, got ${r}`);
  if (!Number.isInteger(p) || p < 1 || p > 16) throw new RangeError(`p: must be 1..16, got ${p}`);
  return { N, r, p };
}

/** Hash a password with a fresh random salt. */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
  random: (n: number) => Uint8Array = randomBytes,
): Promise<PasswordHash> {
  if (typeof password !== 'string' || password.length === 0) {
    throw new TypeError('password: must be a non-empty string');
  }
  const checked = checkParams(params);
  const salt = Uint8Array.from(random(SALT_BYTES));
  const hash = new Uint8Array(await derive(password, salt, checked));
  return { params: checked, salt, hash };
}

/** Whether `candidate` is the password. Constant time in the comparison of the digests. */
export async function verifyPassword(stored: PasswordHash, candidate: string): Promise<boolean> {
  if (typeof candidate !== 'string') return false;
  const key = await derive(candidate, stored.salt, stored.params);
  return key.length === stored.hash.length && timingSafeEqual(key, stored.hash);
}

/** `scrypt$N$r$p$<salt base64>$<hash base64>`: what a config file may hold instead. */
export function encodePasswordHash(h: PasswordHash): string {
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  return `${PREFIX}${h.params.N}$${h.params.r}$${h.params.p}$${b64(h.salt)}$${b64(h.hash)}`;
}

/** Parse encodePasswordHash's form; undefined when `text` does not start with `scrypt$`. */
export function decodePasswordHash(text: string): PasswordHash | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  const parts = text.slice(PREFIX.length).split('$');
  const [n, r, p, salt, hash] = parts;
  if (parts.length !== 5 || !n || !r || !p || !salt || !hash) {
    throw new TypeError('adminpass: a scrypt$ value needs the form scrypt$N$r$p$salt$hash');
  }
  const int = (s: string): number => (/^\d{1,8}$/.test(s) ? Number(s) : NaN);
  const params = checkParams({ N: int(n), r: int(r), p: int(p) });
  const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!B64.test(salt) || !B64.test(hash)) {
    throw new TypeError('adminpass: salt and hash must be base64');
  }
  const h = new Uint8Array(Buffer.from(hash, 'base64'));
  if (h.length !== KEY_BYTES) throw new TypeError(`adminpass: hash must be ${KEY_BYTES} bytes`);
  return { params, salt: new Uint8Array(Buffer.from(salt, 'base64')), hash: h };
}

/**
 * The admin password of the config as a hash: decoded when the option already holds an encoded
 * hash, hashed now otherwise. Call once at startup; the plain text need not be kept afterwards.
 */
export async function adminPasswordHash(
  adminPass: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<PasswordHash> {
  return decodePasswordHash(adminPass) ?? hashPassword(adminPass, params);
}
