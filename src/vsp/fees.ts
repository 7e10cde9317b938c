// The fee the VSP asks for a ticket, and how long that price holds.
import { splitAt, stakePoolTicketFee } from '../dcr/amounts.ts';
import type { NetParams } from '../dcr/params.ts';
import type { BestBlockHeader } from './node.ts';

/** A fee quoted by /feeaddress holds for one hour. */
export const FEE_EXPIRY_SECONDS = 60 * 60;

/**
 * vspd's relay fee for the formula only (1e4 atoms/kB): the fee is never used to build a tx,
 * and dcrwallet plugs the same constant into its own estimate before it reserves inputs.
 */
export const FEE_FORMULA_RELAY_FEE = 10_000n;

/**
 * The fee for a ticket bought now: dcrwallet's StakePoolTicketFee at the best block's ticket
 * price and height, with DCP-0010/0012 active from the heights vspd hard-codes per network.
 */
export function vspFee(best: BestBlockHeader, vspFeePercent: number, net: NetParams): bigint {
  const split = splitAt(net, best.height);
  return stakePoolTicketFee(
    best.sbits,
    FEE_FORMULA_RELAY_FEE,
    best.height,
    vspFeePercent,
    net,
    split === 'dcp0010' || split === 'dcp0012',
    split === 'dcp0012',
  );
}
