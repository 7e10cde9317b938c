// The API token /address and /settings show: made the first time it is shown, and always issued
// after the one it replaces.
import { setPoolUserApiToken } from '../../../db/pool-users.ts';
import type { PoolUser } from '../../../db/pool-users.ts';
import { signApiToken, verifyApiToken } from '../../../pool/api-token.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { nowSeconds } from './page.ts';

/**
 * A token for the user, issued after the one it replaces. The claims are all a token is, so a
 * token signed in the second of an earlier one would be that one: iat always moves forward past
 * the current token's. (After a revoke there is no current token; a new one comes seconds later.)
 */
export async function newApiToken(deps: PoolDeps, user: PoolUser): Promise<string> {
  const { apiSecret, baseUrl } = deps.pool;
  const now = nowSeconds(deps);
  const current =
    user.apiToken === undefined
      ? undefined
      : await verifyApiToken(apiSecret, user.apiToken, { now });
  const issuedAt = Math.max(now, (current?.issuedAt ?? -1) + 1);
  return signApiToken(apiSecret, { issuer: baseUrl, userId: user.id, issuedAt });
}

/** The user's current token, or a new one stored now if they have none. */
export async function lazyApiToken(deps: PoolDeps, user: PoolUser): Promise<string> {
  if (user.apiToken !== undefined) return user.apiToken;
  const token = await newApiToken(deps, user);
  await setPoolUserApiToken(deps.pool.db, user.id, token);
  return token;
}
