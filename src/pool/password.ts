// Legacy-pool account passwords. New hashes are scrypt in src/admin/password.ts's encoding
// ('scrypt$N$r$p$salt$hash'). Accounts imported from dcrstakepool carry bcrypt hashes ('$2a$10$…',
// Go's x/crypto/bcrypt); those still verify, and needsRehash tells the login route to store a
// scrypt hash once the right password has been seen.
import { compare as bcryptCompare } from 'bcryptjs';
import {
  DEFAULT_SCRYPT,
  decodePasswordHash,
  encodePasswordHash,
  hashPassword,
  verifyPassword,
} from '../admin/password.ts';
import type { PasswordHash, ScryptParams } from '../admin/password.ts';

// Modular-crypt bcrypt: version 2/2a/2b/2y, two-digit cost, 22 salt + 31 hash characters.
const BCRYPT = /^\$2[aby]?\$(\d\d)\$[./A-Za-z0-9]{53}$/;
// bcrypt runs in JS here and doubles per cost step: a stored cost past this would tie up the
// process for minutes on every login, so such a hash is refused rather than run.
const BCRYPT_MAX_COST = 15;
const BCRYPT_MIN_COST = 4;
const MIN_SALT_BYTES = 16;

/** scrypt hash of a new password, in the 'scrypt$…' encoding. */
export async function hashUserPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  return encodePasswordHash(await hashPassword(password, params));
}

function bcryptCost(stored: string): number | undefined {
  const m = BCRYPT.exec(stored);
  if (m === null) return undefined;
  const cost = Number(m[1]);
  return cost >= BCRYPT_MIN_COST && cost <= BCRYPT_MAX_COST ? cost : undefined;
}

function decodeScrypt(stored: string): PasswordHash | undefined {
  try {
    return decodePasswordHash(stored);
  } catch {
    return undefined;
  }
}

/**
 * Whether `password` matches the stored hash (scrypt, or bcrypt $2$/$2a$/$2b$/$2y$). A stored
 * value of neither form, or a malformed one, matches nothing.
 */
export async function verifyUserPassword(stored: string, password: string): Promise<boolean> {
  if (typeof stored !== 'string' || typeof password !== 'string' || password.length === 0) {
    return false;
  }
  const scrypt = decodeScrypt(stored);
  if (scrypt !== undefined) return verifyPassword(scrypt, password);
  // bcrypt gets the password bytes as they are: Go's bcrypt did no Unicode normalisation.
  if (bcryptCost(stored) !== undefined) return bcryptCompare(password, stored);
  return false;
}

/**
 * Whether a verified password should be hashed again: always for bcrypt, and for scrypt hashes
 * weaker than the current default (less memory, less work, or a shorter salt). Unknown forms too.
 */
export function needsRehash(stored: string): boolean {
  const h = typeof stored === 'string' ? decodeScrypt(stored) : undefined;
  if (h === undefined) return true;
  const { N, r, p } = h.params;
  const memory = N * r;
  const want = DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r;
  return memory < want || memory * p < want * DEFAULT_SCRYPT.p || h.salt.length < MIN_SALT_BYTES;
}
