// The legacy pool's fee check (dcrstakepool EvaluateStakePoolTicket, reference dcrstakepool.md §9,
// simnet.md §10.2.4): commitment #1 (TxOut[1]) must pay one of the pool's fee addresses, any
// user's, and carry at least StakePoolTicketFee for the ticket's price, its fee and the height of
// the block that mined it.
//
// The required amount uses the ORIGINAL subsidy split even where DCP-0010/0012 are active: that
// is what the legacy buyer (dcrwallet 2.0.x purchaseticket … pooladdress poolfees) pays, so the
// newer splits would call honest tickets underpaid (7.5%, 10 DCR: the wallet pays 55,968,924
// atoms, DCP-0012 maths would ask 67,287,830).
import { stakePoolTicketFee } from '../dcr/amounts.ts';
import type { NetParams } from '../dcr/params.ts';
import {
  commitmentAddress,
  legacyPoolTicketFee,
  ticketCommitments,
  ticketPrice,
} from '../dcr/stake.ts';
import type { Tx } from '../dcr/tx.ts';
import type { PoolFeeStatus } from '../db/pool-tickets.ts';

export interface PoolFeeCheck {
  /** 'ok', 'low' (commitment #1 below the required fee) or 'address' (not a pool fee address). */
  status: PoolFeeStatus;
  /** Commitment #1's amount (0 for a ticket without commitments). */
  feePaid: bigint;
  /** StakePoolTicketFee at the ticket's block height; computed whatever the status. */
  feeRequired: bigint;
}

/**
 * Judge a mined ticket as the legacy pool did. `height` is the height of the block the ticket
 * was mined in (dcrwallet's check and stakepoold's startup scan both use it). Throws a RangeError
 * naming the field when `tx` is not a ticket.
 */
export function evaluatePoolTicket(
  tx: Tx,
  height: number,
  feeAddresses: ReadonlySet<string>,
  poolFeePercent: number,
  net: NetParams,
): PoolFeeCheck {
  const commitments = ticketCommitments(tx);
  const first = commitments[0];
  // A ticket with no inputs has no commitment #1; consensus rejects it, but never trust a block.
  if (first === undefined) return { status: 'address', feePaid: 0n, feeRequired: 0n };
  // Σ commitments − Σ every output, as upstream computes it. With non-zero change outputs this
  // falls below the real fee and can go negative; upstream then lowered the requirement (enough
  // change made it ≤ 0, so no fee at all). Flooring at 0 changes nothing for the tickets wallets
  // build (their change is always 0) and closes that hole.
  const legacyFee = legacyPoolTicketFee(tx);
  const txFee = legacyFee > 0n ? legacyFee : 0n;
  const feeRequired = stakePoolTicketFee(
    ticketPrice(tx),
    txFee,
    height,
    poolFeePercent,
    net,
    false,
    false,
  );
  const feePaid = first.amount;
  if (!feeAddresses.has(commitmentAddress(first, net))) {
    return { status: 'address', feePaid, feeRequired };
  }
  return { status: feePaid >= feeRequired ? 'ok' : 'low', feePaid, feeRequired };
}
