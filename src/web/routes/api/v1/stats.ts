// GET stats (no token): dcrstakepool's poolapi.Stats, field for field. The stakeinfo part comes
// from the shared five-minute cache (src/pool/pool-stats.ts): our own ticket table instead of a
// wallet's getstakeinfo. OwnMempoolTix is always 0: tickets are only found once mined.
import type { FastifyBaseLogger } from 'fastify';
import { ApiCode, apiError, apiSuccess } from './envelope.ts';
import type { ApiResponse } from './envelope.ts';
import { API_VERSIONS_SUPPORTED } from './deps.ts';
import type { ResolvedPoolApiDeps } from './deps.ts';

/** Go's dcrutil.Amount.ToCoin: float64(atoms) / 1e8. */
function toCoin(atoms: bigint): number {
  return Number(atoms) / 1e8;
}

export async function getStats(
  deps: ResolvedPoolApiDeps,
  log: FastifyBaseLogger,
): Promise<ApiResponse> {
  let s;
  try {
    s = await deps.stats.get();
  } catch (err) {
    log.error({ err }, 'api stats: refresh failed');
    return apiError(ApiCode.Unavailable, 'stats error', 'RPC server error', true);
  }
  const t = s.tickets;
  return apiSuccess('stats successfully retrieved', {
    AllMempoolTix: s.allMempoolTix,
    APIVersionsSupported: [...API_VERSIONS_SUPPORTED],
    BlockHeight: s.blockHeight,
    Difficulty: toCoin(s.ticketPrice),
    Expired: t.expired,
    Immature: t.immature,
    Live: t.live,
    Missed: t.missed,
    OwnMempoolTix: 0,
    PoolSize: s.poolSize,
    ProportionLive: s.proportionLive,
    ProportionMissed: s.proportionMissed,
    // dcrwallet's getstakeinfo counted revoked tickets here. Since automatic revocations
    // (DCP-0009) every missed and expired ticket is revoked in the block that misses or expires
    // it, so that is what a current wallet would report; our own 'revoked' outcome is only
    // kept for rows an older version wrote.
    Revoked: t.missed + t.expired + t.revoked,
    TotalSubsidy: toCoin(s.totalSubsidy),
    Voted: t.voted,
    Network: deps.net.name,
    PoolEmail: deps.config.poolEmail,
    PoolFees: deps.config.poolFees,
    PoolStatus: deps.config.closePool ? 'Closed' : 'Open',
    UserCount: s.users.total,
    UserCountActive: s.users.active,
    Version: deps.config.version,
  });
}
