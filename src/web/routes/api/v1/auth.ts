// Bearer-token authentication of the legacy API. A token must verify (HS256 with apisecret) AND
// be the one stored for its user: revoking or regenerating it on /settings makes the old one
// useless, which dcrstakepool's tokens never could be. Anything short of that leaves the request
// unauthenticated, and the user commands then answer code 16, as upstream.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { getPoolUser } from '../../../../db/pool-users.ts';
import type { PoolUser } from '../../../../db/pool-users.ts';
import { verifyApiToken } from '../../../../pool/api-token.ts';
import type { ResolvedPoolApiDeps } from './deps.ts';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  // The scheme is case-insensitive (RFC 9110); dcrstakepool only took "Bearer ", a subset.
  const m = /^Bearer +(\S+) *$/i.exec(value);
  return m?.[1];
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The user a request's token stands for, or undefined (no, bad, revoked or replaced token). */
export async function authenticate(
  request: FastifyRequest,
  deps: ResolvedPoolApiDeps,
): Promise<PoolUser | undefined> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) return undefined;
  const claims = await verifyApiToken(deps.apiSecret, token, {
    now: Math.floor(deps.now() / 1000),
  });
  if (claims === undefined) {
    request.log.warn('api: invalid token');
    return undefined;
  }
  const user = await getPoolUser(deps.db, claims.userId);
  if (user?.apiToken === undefined || !sameToken(user.apiToken, token)) {
    request.log.warn({ user: claims.userId }, 'api: token is not the current one for its user');
    return undefined;
  }
  return user;
}
