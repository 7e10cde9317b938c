// GET /emailupdate?t=…: the link mailed to the new address of an email change. It works once and
// for one hour. The address must still be free; then it replaces the old one, counts as verified,
// and the account's reset links (#320) and sessions end — the sessions of the token's owner,
// where dcrstakepool ended those of whoever opened the link.
import type { FastifyInstance } from 'fastify';
import { deletePoolTokens } from '../../../db/pool-tokens.ts';
import {
  getPoolUserByEmail,
  setPoolUserEmail,
  setPoolUserEmailVerified,
} from '../../../db/pool-users.ts';
import { deleteUserWebSessions } from '../../../db/web-sessions.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { LINK_QUERY_SCHEMA } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { redeemLinkToken, sendLinkRefusal } from './link-token.ts';
import { redirectWithFlash } from './page.ts';

/** Thrown inside the transaction to roll it back: the new address belongs to someone else. */
class AddressTaken extends Error {}

type Outcome = { userId: number; email: string } | 'invalid' | 'taken';

export function emailUpdateRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.get<{ Querystring: StringFields<typeof LINK_QUERY_SCHEMA> }>(
    '/emailupdate',
    { schema: { querystring: LINK_QUERY_SCHEMA } },
    async (request, reply) => {
      let outcome: Outcome;
      try {
        outcome =
          (await redeemLinkToken(
            deps,
            request.query.t,
            'change_email',
            async (trx, token, user): Promise<Outcome> => {
              if (token.newEmail === undefined) return 'invalid';
              // Checked first: on PostgreSQL a failed unique write would abort the transaction.
              const holder = await getPoolUserByEmail(trx, token.newEmail);
              if (holder !== undefined && holder.id !== user.id) throw new AddressTaken();
              if (!(await setPoolUserEmail(trx, user.id, token.newEmail))) throw new AddressTaken();
              if (user.emailVerified !== 1) await setPoolUserEmailVerified(trx, user.id, 1);
              await deletePoolTokens(trx, user.id, 'reset_password');
              await deletePoolTokens(trx, user.id, 'change_email');
              await deleteUserWebSessions(trx, user.id);
              return { userId: user.id, email: token.newEmail };
            },
          )) ?? 'invalid';
      } catch (err) {
        if (!(err instanceof AddressTaken)) throw err;
        outcome = 'taken';
      }
      if (typeof outcome === 'string') {
        return sendLinkRefusal(deps, request, reply, outcome === 'taken' ? 409 : 400, {
          title: 'Email change',
          message:
            outcome === 'taken'
              ? 'Another account uses this email address now, so it cannot become yours. ' +
                'Your address stays as it was.'
              : 'This email change link is not valid: it was already used, it has expired ' +
                '(links work for one hour), or it was not copied whole.',
        });
      }
      request.log.info({ userId: outcome.userId }, 'email address changed');
      // If this browser was logged in as the user, its row is gone and it gets a new session.
      return redirectWithFlash(
        reply,
        await pool.sessions.ensure(request, reply),
        'success',
        `Your email address is now ${outcome.email}. Log in with it; every session of your ` +
          'account was logged out.',
        '/login',
      );
    },
  );
}
