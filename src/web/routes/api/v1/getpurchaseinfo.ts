// GET getpurchaseinfo: what a wallet needs to buy the user's pool tickets. Field names and types
// are dcrstakepool's poolapi.PurchaseInfo. VoteBitsVersion is the version the user's vote bits
// were set for; dcrstakepool never filled it in and always sent 0.
import type { PoolUser } from '../../../../db/pool-users.ts';
import { ApiCode, apiError, apiSuccess } from './envelope.ts';
import type { ApiResponse } from './envelope.ts';
import type { ResolvedPoolApiDeps } from './deps.ts';

const CONTEXT = 'purchaseinfo error';

export function getPurchaseInfo(
  deps: ResolvedPoolApiDeps,
  user: PoolUser | undefined,
): ApiResponse {
  if (user === undefined) {
    return apiError(ApiCode.Unauthenticated, CONTEXT, 'invalid api token', true);
  }
  const m = user.multisig;
  if (m === undefined) {
    return apiError(ApiCode.FailedPrecondition, CONTEXT, 'no address submitted', true);
  }
  return apiSuccess('purchaseinfo successfully retrieved', {
    PoolAddress: m.feeAddress,
    PoolFees: deps.config.poolFees,
    Script: m.script,
    TicketAddress: m.address,
    VoteBits: user.voteBits & 0xffff,
    VoteBitsVersion: user.voteBitsVersion,
  });
}
