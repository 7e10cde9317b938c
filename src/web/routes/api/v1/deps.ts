// What the legacy API (/api/v1, /api/v2) is built from: the database, the pool's keys, a dcrd for
// the registration height, the shared stats cache and a few configuration values. Small on
// purpose; tests fill it with a real SQLite database and object literals.
import type { FastifyBaseLogger } from 'fastify';
import type { NetParams } from '../../../../dcr/params.ts';
import type { PoolUser } from '../../../../db/pool-users.ts';
import type { Db } from '../../../../db/transaction.ts';
import type { PoolKeys } from '../../../../pool/keys.ts';
import type { PoolStats } from '../../../../pool/pool-stats.ts';
import type { FormFields } from '../../../plugins/forms.ts';
import type { ApiResponse } from './envelope.ts';

/** dcrstakepool.conf values the API reports or uses (option names in brackets). */
export interface PoolApiConfig {
  /** [poolfees] Percent, e.g. 7.5. */
  poolFees: number;
  /** [poolemail] Support contact, `PoolEmail` in stats. */
  poolEmail: string;
  /** [closepool] Reported as PoolStatus "Closed"; it does not block `address` (as upstream). */
  closePool: boolean;
  /** Reported as `Version` in stats. */
  version: string;
}

export interface PoolApiDeps {
  db: Db;
  /** `Network` in stats is net.name (mainnet, testnet3, simnet). */
  net: NetParams;
  /** [apisecret] HMAC key of the API tokens. */
  apiSecret: string;
  keys: Pick<PoolKeys, 'multisig'>;
  /** HeightRegistered of a new address is dcrd's best height (DcrdClient fits). */
  dcrd: { getBestBlock(): Promise<{ height: number }> };
  /** PoolStatsCache fits. */
  stats: { get(): Promise<PoolStats> };
  config: PoolApiConfig;
  /**
   * The pool's vote version: `voting` checks bits against its agendas and stores it with them.
   * Default the network's newest (currentVoteVersion), as the voter and the pages use.
   */
  voteVersion?: number;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

/** PoolApiDeps with the defaults filled in. */
export interface ResolvedPoolApiDeps extends Omit<PoolApiDeps, 'now' | 'voteVersion'> {
  now: () => number;
  voteVersion: number;
}

/** The versions `stats` advertises; both paths run the same handlers. */
export const API_VERSIONS_SUPPORTED: readonly number[] = Object.freeze([1, 2]);

/** A command that posts a form for the token's user (undefined: no valid token): address, voting. */
export type PostCommand = (
  deps: ResolvedPoolApiDeps,
  user: PoolUser | undefined,
  form: FormFields,
  log: FastifyBaseLogger,
) => Promise<ApiResponse>;
