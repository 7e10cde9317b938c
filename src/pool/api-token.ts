// API v1/v2 bearer tokens: HS256 JWTs with dcrstakepool's claims {iat, iss (the pool's baseurl),
// loggedInAs (user id)} and its key — the `apisecret` string's bytes used directly as the HMAC
// key — so tokens users already hold, imported from dcrstakepool, keep working. Unlike
// dcrstakepool only HS256 is accepted (it took any HMAC), and a valid signature is not enough: the
// caller compares the token with pool_users.api_token, which makes tokens revocable.
import { SignJWT, errors, jwtVerify } from 'jose';

/** Longest token looked at: the pool_users.api_token column; anything longer is not ours. */
export const MAX_API_TOKEN_LENGTH = 1024;

/** How far in the future `iat` may lie (clock skew between serve instances). */
const IAT_FUTURE_TOLERANCE_SEC = 300;

export interface ApiTokenClaims {
  userId: number;
  issuedAt: number;
}

function secretKey(secret: string): Uint8Array {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError('apisecret: must be a non-empty string');
  }
  // Go's []byte(APISecret): the UTF-8 bytes, no derivation.
  return new TextEncoder().encode(secret);
}

function isUserId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

/**
 * Sign a token for `userId`. The header and claim order match dcrstakepool's output
 * ({"alg":"HS256","typ":"JWT"}, then iat, iss, loggedInAs), so the same secret, issuer, user and
 * time give the very same token.
 */
export async function signApiToken(
  secret: string,
  claims: { issuer: string; userId: number; issuedAt?: number },
): Promise<string> {
  const key = secretKey(secret);
  const { issuer, userId } = claims;
  const issuedAt = claims.issuedAt ?? Math.floor(Date.now() / 1000);
  if (typeof issuer !== 'string') throw new TypeError('issuer: expected a string');
  if (!isUserId(userId))
    throw new RangeError(`userId: expected a positive integer, got ${String(userId)}`);
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0) {
    throw new RangeError(`issuedAt: expected unix seconds, got ${issuedAt}`);
  }
  return new SignJWT({ iat: issuedAt, iss: issuer, loggedInAs: userId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(key);
}

/**
 * The user and issue time of a token signed with `secret`, or undefined for anything else: another
 * algorithm (none, RS256, HS512…), a bad signature, an `exp` or `nbf` that has it not valid now,
 * an `iat` in the future, or a missing or non-integer `loggedInAs`. The issuer is not checked (a
 * pool may change its baseurl; the stored-token comparison is what binds a token to the pool).
 */
export async function verifyApiToken(
  secret: string,
  token: string,
  options: { now?: number } = {},
): Promise<ApiTokenClaims | undefined> {
  const key = secretKey(secret);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_API_TOKEN_LENGTH) {
    return undefined;
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      requiredClaims: ['iat'],
      currentDate: new Date(now * 1000),
    }));
  } catch (err) {
    if (err instanceof errors.JOSEError) return undefined;
    throw err;
  }
  const { iat, loggedInAs } = payload;
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat) || iat < 0) return undefined;
  if (iat > now + IAT_FUTURE_TOLERANCE_SEC) return undefined;
  if (!isUserId(loggedInAs)) return undefined;
  return { userId: loggedInAs, issuedAt: iat };
}
