// GET /emailverify?t=…: the link from the verification email. It works once (the token row is
// deleted as it is used) and within VERIFY_EMAIL_TTL_S; then the account may log in.
import type { FastifyInstance } from 'fastify';
import { deletePoolTokens } from '../../../db/pool-tokens.ts';
import { setPoolUserEmailVerified } from '../../../db/pool-users.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { LINK_QUERY_SCHEMA } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { redeemLinkToken, sendLinkRefusal } from './link-token.ts';
import { redirectWithFlash } from './page.ts';

export function emailVerifyRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.get<{ Querystring: StringFields<typeof LINK_QUERY_SCHEMA> }>(
    '/emailverify',
    { schema: { querystring: LINK_QUERY_SCHEMA } },
    async (request, reply) => {
      const userId = await redeemLinkToken(
        deps,
        request.query.t,
        'verify_email',
        async (trx, _token, user) => {
          // 2 (grandfathered) may log in already; it becomes a plain "verified".
          if (user.emailVerified !== 1) await setPoolUserEmailVerified(trx, user.id, 1);
          await deletePoolTokens(trx, user.id, 'verify_email');
          return user.id;
        },
      );
      if (userId === undefined) {
        return sendLinkRefusal(deps, request, reply, 400, {
          title: 'Email verification',
          message:
            'This verification link is not valid: it was already used, it has expired, or it ' +
            'was not copied whole. Register again with the same address to get a new link.',
          links: [{ href: '/register', label: 'Register' }],
        });
      }
      request.log.info({ userId }, 'email address verified');
      return redirectWithFlash(
        reply,
        await pool.sessions.ensure(request, reply),
        'success',
        'Your email address is verified. You can log in now.',
        '/login',
      );
    },
  );
}
