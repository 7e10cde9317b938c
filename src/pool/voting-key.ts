// The pool's voting private key: the extended private key of the voting account whose public half
// is votingwalletextpub. User n's 1-of-2 multisig holds votingxpub/0/n, so the voter signs user n's
// votes with xprv/0/n. The key comes from the config (votingwalletextprv) or a file (votingkeyfile)
// and is refused unless it is private, for the configured network and derives exactly the keys
// votingwalletextpub derives. It is never logged: errors name options, never values, and the
// object hides its contents from JSON.stringify and util.inspect.
import { readFileSync, statSync } from 'node:fs';
import { equalBytes } from '../dcr/bytes.ts';
import { ExtendedKey } from '../dcr/hdkey.ts';
import type { NetParams } from '../dcr/params.ts';

/** A voting key that cannot be used; the message names the options to fix. */
export class VotingKeyError extends Error {
  override readonly name = 'VotingKeyError';
}

export interface VotingKeyOptions {
  /** The extended private key itself ('' = not set). */
  votingWalletExtPrv: string;
  /** Path of a file holding it ('' = not set); the config has already made it absolute. */
  votingKeyFile: string;
  /** The pool's voting xpub, which the private key must match. */
  votingWalletExtPub: string;
  net: NetParams;
  /** How many per-user private keys to keep derived (default 2048). */
  cacheSize?: number;
  /** Called with advice that does not stop the voter (e.g. a key file others can read). */
  onWarning?: (message: string) => void;
  /** For tests: reads the key file (default node:fs, utf8). */
  readFile?: (path: string) => string;
  /** For tests: the key file's permission bits (default node:fs stat). */
  fileMode?: (path: string) => number;
}

const DEFAULT_CACHE_SIZE = 2048;
/** Non-hardened child indexes only: the user's pool key is derived from the xpub too. */
const MAX_USER_INDEX = 0x7fffffff;

function reason(e: unknown): string {
  // ExtendedKey errors name the field and never echo the key text.
  return e instanceof Error ? e.message : String(e);
}

/** The one key line of a key file: blank lines and `#` comments are skipped. */
function keyFromFile(path: string, o: VotingKeyOptions): string {
  let text: string;
  try {
    text = (o.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = typeof code === 'string' ? code : 'unreadable';
    throw new VotingKeyError(`votingkeyfile: cannot read ${path} (${why})`);
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length !== 1) {
    throw new VotingKeyError(
      `votingkeyfile: ${path} must hold exactly one extended private key (found ${lines.length} lines)`,
    );
  }
  if (/\s/.test(lines[0]!)) {
    throw new VotingKeyError(`votingkeyfile: ${path} must hold the key alone on its line`);
  }
  try {
    const mode = (o.fileMode ?? ((p: string) => statSync(p).mode))(path);
    if ((mode & 0o077) !== 0) {
      o.onWarning?.(
        `votingkeyfile: ${path} can be read by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
      );
    }
  } catch {
    // The file was just read; a failing stat only loses the advice.
  }
  return lines[0]!;
}

/**
 * Load and check the voting key. Exactly one of votingwalletextprv and votingkeyfile must be set;
 * the key must be an extended private key of `net` whose public key and chain code are those of
 * votingwalletextpub (so xprv/0/n and votingxpub/0/n are one key pair for every n). Depth and
 * parent metadata are not compared: they do not take part in derivation.
 */
export function loadVotingKey(o: VotingKeyOptions): PoolVotingKey {
  const inline = o.votingWalletExtPrv.trim();
  const file = o.votingKeyFile;
  if (inline !== '' && file !== '') {
    throw new VotingKeyError(
      'votingwalletextprv and votingkeyfile are both set; set only one of them',
    );
  }
  if (inline === '' && file === '') {
    throw new VotingKeyError(
      'the voter needs the voting account private key: set votingwalletextprv or votingkeyfile',
    );
  }
  const option = inline !== '' ? 'votingwalletextprv' : 'votingkeyfile';
  const text = inline !== '' ? inline : keyFromFile(file, o);

  let key: ExtendedKey;
  try {
    key = ExtendedKey.fromString(text, o.net, option);
  } catch (e) {
    throw new VotingKeyError(`${reason(e)} (not a usable voting key)`);
  }
  if (!key.isPrivate) {
    throw new VotingKeyError(
      `${option}: is an extended public key; the voter needs the extended private key of the voting account`,
    );
  }

  if (o.votingWalletExtPub.trim() === '') {
    throw new VotingKeyError(`votingwalletextpub: required to check ${option}; set it as well`);
  }
  let xpub: ExtendedKey;
  try {
    xpub = ExtendedKey.fromString(o.votingWalletExtPub.trim(), o.net, 'votingwalletextpub');
  } catch (e) {
    throw new VotingKeyError(reason(e));
  }
  if (xpub.isPrivate) {
    throw new VotingKeyError('votingwalletextpub: must be an extended public key');
  }
  if (!equalBytes(key.publicKey, xpub.publicKey) || !equalBytes(key.chainCode, xpub.chainCode)) {
    // The neutered key is public and helps the operator see which account the key belongs to.
    throw new VotingKeyError(
      `${option}: is not the private key of votingwalletextpub (its public key is ${key.neuter().toString()})`,
    );
  }
  return new PoolVotingKey(key, o.cacheSize ?? DEFAULT_CACHE_SIZE);
}

/** The voting account private key, handing out user n's signing key (xprv/0/n), cached. */
export class PoolVotingKey {
  readonly #branch: ExtendedKey;
  readonly #cache = new Map<number, Uint8Array>();
  readonly #cacheSize: number;
  /** The account's extended public key (safe to show). */
  readonly xpub: string;

  constructor(accountKey: ExtendedKey, cacheSize = DEFAULT_CACHE_SIZE) {
    if (!accountKey.isPrivate) throw new TypeError('accountKey: expected an extended private key');
    if (!Number.isInteger(cacheSize) || cacheSize < 1) {
      throw new RangeError('cacheSize: must be a positive integer');
    }
    this.#branch = accountKey.child(0);
    this.#cacheSize = cacheSize;
    this.xpub = accountKey.neuter().toString();
  }

  /** User `userId`'s 32-byte signing key (xprv/0/userId); the same array for repeated calls. */
  privateKey(userId: number): Uint8Array {
    if (!Number.isInteger(userId) || userId < 0 || userId > MAX_USER_INDEX) {
      throw new RangeError(`userId: must be an integer in [0, ${MAX_USER_INDEX}]`);
    }
    const hit = this.#cache.get(userId);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.#cache.delete(userId);
      this.#cache.set(userId, hit);
      return hit;
    }
    const key = this.#branch.child(userId).privateKey;
    this.#cache.set(userId, key);
    if (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return key;
  }

  /** Derived keys currently cached (for tests and metrics). */
  get cachedKeys(): number {
    return this.#cache.size;
  }

  toJSON(): string {
    return '[voting key]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PoolVotingKey(${this.xpub})`;
  }
}
