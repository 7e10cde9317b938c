// The single-use links the account pages mail (verify an address, reset a password, confirm an
// email change): the link carries the secret, the database only its hash, and a link works once,
// until it expires. A link that does not work gets a page that says so.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { insertPoolToken, takePoolToken } from '../../../db/pool-tokens.ts';
import type { PoolToken, PoolTokenKind } from '../../../db/pool-tokens.ts';
import { getPoolUser } from '../../../db/pool-users.ts';
import type { PoolUser } from '../../../db/pool-users.ts';
import { withTransaction } from '../../../db/transaction.ts';
import type { Db, Trx } from '../../../db/transaction.ts';
import {
  isSecretTokenFormat,
  newSecretToken,
  secretTokenHash,
} from '../../../pool/secret-token.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import type { PoolMessage } from '../../views/pool/layout.ts';
import { nowSeconds, sendMessagePage } from './page.ts';

/** Stores a new link token for the user and returns its secret (the link's `t`). */
export async function issueLinkToken(
  db: Db,
  t: { userId: number; kind: PoolTokenKind; expiresAt: number; newEmail?: string },
): Promise<string> {
  const token = newSecretToken();
  await insertPoolToken(db, {
    tokenHash: secretTokenHash(token),
    userId: t.userId,
    kind: t.kind,
    newEmail: t.newEmail,
    expiresAt: t.expiresAt,
  });
  return token;
}

/**
 * Uses up the link token `t` of `kind` and runs `use` on it and its account, in one transaction.
 * Undefined when `t` is malformed, unknown, used up or expired, or its account is gone.
 */
export async function redeemLinkToken<T>(
  deps: PoolDeps,
  t: unknown,
  kind: PoolTokenKind,
  use: (trx: Trx, token: PoolToken, user: PoolUser) => Promise<T>,
): Promise<T | undefined> {
  if (!isSecretTokenFormat(t)) return undefined;
  return withTransaction(deps.pool.db, async (trx) => {
    const token = await takePoolToken(trx, secretTokenHash(t), kind, nowSeconds(deps));
    if (token === undefined) return undefined;
    const user = await getPoolUser(trx, token.userId);
    if (user === undefined) return undefined;
    return use(trx, token, user);
  });
}

/** The page of a link that did not work, in the frame of the browser's session (if it has one). */
export async function sendLinkRefusal(
  deps: PoolDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  page: { title: string } & PoolMessage,
): Promise<FastifyReply> {
  return sendMessagePage(deps, reply, status, page, await deps.pool.sessions.current(request));
}
