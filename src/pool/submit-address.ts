// A user submits the pubkey address of a key of theirs (the /address form, API `address`): it
// becomes the second key of a 1-of-2 multisig with the pool's key, and the P2SH, script, both
// pubkey addresses, the fee address and the registration height (dcrd's best block) are stored.
// One per account, never overwritten. dcrstakepool imported the script into every voting wallet
// here; the chain follower now finds the tickets, so nothing is imported anywhere.
import type { NetParams } from '../dcr/params.ts';
import { setPoolUserMultisig } from '../db/pool-users.ts';
import type { PoolMultisig, PoolUser } from '../db/pool-users.ts';
import type { Db } from '../db/transaction.ts';
import type { PoolKeys } from './keys.ts';
import { validateUserPubKeyAddress } from './user-address.ts';
import type { UserAddressError } from './user-address.ts';

export interface SubmitAddressDeps {
  db: Db;
  net: NetParams;
  keys: Pick<PoolKeys, 'multisig'>;
  dcrd: { getBestBlock(): Promise<{ height: number }> };
}

export type SubmitAddressResult =
  | { ok: true; multisig: PoolMultisig }
  /** The account has an address already (or a concurrent request stored one first). */
  | { ok: false; reason: 'already' }
  /** The text is not a pubkey address of this network: dcrstakepool's message. */
  | { ok: false; reason: 'invalid'; error: UserAddressError }
  /** dcrd or the database failed; `cause` is for the log only. */
  | { ok: false; reason: 'unavailable'; cause: unknown };

export async function submitUserAddress(
  deps: SubmitAddressDeps,
  user: PoolUser,
  text: string,
): Promise<SubmitAddressResult> {
  if (user.multisig !== undefined) return { ok: false, reason: 'already' };
  const checked = validateUserPubKeyAddress(text, deps.net);
  if ('error' in checked) return { ok: false, reason: 'invalid', error: checked.error };
  let multisig: PoolMultisig;
  let stored: boolean;
  try {
    const info = deps.keys.multisig(user.id, checked.pubKey);
    const best = await deps.dcrd.getBestBlock();
    multisig = { ...info, heightRegistered: best.height };
    stored = await setPoolUserMultisig(deps.db, user.id, multisig);
  } catch (cause) {
    return { ok: false, reason: 'unavailable', cause };
  }
  return stored ? { ok: true, multisig } : { ok: false, reason: 'already' };
}
