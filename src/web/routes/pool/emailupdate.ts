// GET /emailupdate?t=…: the link mailed to the new address of an email change. It works once and
// for one hour. The address must still be free; then it replaces the old one, counts as verified,
// and the account's reset links (#320) and sessions end — the sessions of the token's owner,
// where dcrstakepool ended those of whoever opened the link.
import type { FastifyInstance } from 'fastify';
import { deletePoolTokens, takePoolToken } from '../../../db/pool-tokens.ts';
import {
  getPoolUser,
  getPoolUserByEmail,
  setPoolUserEmail,
  setPoolUserEmailVerified,
} from '../../../db/pool-users.ts';
import { withTransaction } from '../../../db/transaction.ts';
import { deleteUserWebSessions } from '../../../db/web-sessions.ts';
import { isSecretTokenFormat, secretTokenHash } from '../../../pool/secret-token.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { poolMessagePage } from '../../views/pool/layout.ts';
import { addFlash, nowSeconds, pageView, redirect } from './page.ts';

const querySchema = {
  type: 'object',
  properties: { t: { type: 'string', maxLength: 256 } },
} as const;

/** Thrown inside the transaction to roll it back: the new address belongs to someone else. */
class AddressTaken extends Error {}

type Outcome = { userId: number; email: string } | 'invalid' | 'taken';

export function emailUpdateRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.get<{ Querystring: { t?: string } }>(
    '/emailupdate',
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const t = request.query.t;
      let outcome: Outcome = 'invalid';
      if (isSecretTokenFormat(t)) {
        try {
          outcome = await withTransaction(pool.db, async (trx): Promise<Outcome> => {
            const token = await takePoolToken(
              trx,
              secretTokenHash(t),
              'change_email',
              nowSeconds(deps),
            );
            if (token?.newEmail === undefined) return 'invalid';
            const user = await getPoolUser(trx, token.userId);
            if (user === undefined) return 'invalid';
            // Checked first: on PostgreSQL a failed unique write would abort the transaction.
            const holder = await getPoolUserByEmail(trx, token.newEmail);
            if (holder !== undefined && holder.id !== user.id) throw new AddressTaken();
            if (!(await setPoolUserEmail(trx, user.id, token.newEmail))) throw new AddressTaken();
            if (user.emailVerified !== 1) await setPoolUserEmailVerified(trx, user.id, 1);
            await deletePoolTokens(trx, user.id, 'reset_password');
            await deletePoolTokens(trx, user.id, 'change_email');
            await deleteUserWebSessions(trx, user.id);
            return { userId: user.id, email: token.newEmail };
          });
        } catch (err) {
          if (!(err instanceof AddressTaken)) throw err;
          outcome = 'taken';
        }
      }
      if (typeof outcome === 'string') {
        return sendHtml(
          reply,
          poolMessagePage({
            ...pageView(deps, await pool.sessions.current(request)),
            title: 'Email change',
            message:
              outcome === 'taken'
                ? 'Another account uses this email address now, so it cannot become yours. ' +
                  'Your address stays as it was.'
                : 'This email change link is not valid: it was already used, it has expired ' +
                  '(links work for one hour), or it was not copied whole.',
          }),
          outcome === 'taken' ? 409 : 400,
        );
      }
      request.log.info({ userId: outcome.userId }, 'email address changed');
      // If this browser was logged in as the user, its row is gone and it gets a new session.
      const session = await pool.sessions.ensure(request, reply);
      addFlash(
        session,
        'success',
        `Your email address is now ${outcome.email}. Log in with it; every session of your ` +
          'account was logged out.',
      );
      return redirect(reply, '/login');
    },
  );
}
