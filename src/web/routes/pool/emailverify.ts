// GET /emailverify?t=…: the link from the verification email. It works once (the token row is
// deleted as it is used) and within VERIFY_EMAIL_TTL_S; then the account may log in.
import type { FastifyInstance } from 'fastify';
import { deletePoolTokens, takePoolToken } from '../../../db/pool-tokens.ts';
import { getPoolUser, setPoolUserEmailVerified } from '../../../db/pool-users.ts';
import { withTransaction } from '../../../db/transaction.ts';
import { isSecretTokenFormat, secretTokenHash } from '../../../pool/secret-token.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { poolMessagePage } from '../../views/pool/layout.ts';
import { addFlash, nowSeconds, pageView, redirect } from './page.ts';

const querySchema = {
  type: 'object',
  properties: { t: { type: 'string', maxLength: 256 } },
} as const;

export function emailVerifyRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.get<{ Querystring: { t?: string } }>(
    '/emailverify',
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const t = request.query.t;
      const userId = isSecretTokenFormat(t)
        ? await withTransaction(pool.db, async (trx) => {
            const token = await takePoolToken(
              trx,
              secretTokenHash(t),
              'verify_email',
              nowSeconds(deps),
            );
            if (token === undefined) return undefined;
            const user = await getPoolUser(trx, token.userId);
            if (user === undefined) return undefined;
            // 2 (grandfathered) may log in already; it becomes a plain "verified".
            if (user.emailVerified !== 1) await setPoolUserEmailVerified(trx, user.id, 1);
            await deletePoolTokens(trx, user.id, 'verify_email');
            return user.id;
          })
        : undefined;
      if (userId === undefined) {
        return sendHtml(
          reply,
          poolMessagePage({
            ...pageView(deps, await pool.sessions.current(request)),
            title: 'Email verification',
            message:
              'This verification link is not valid: it was already used, it has expired, or it ' +
              'was not copied whole. Register again with the same address to get a new link.',
            links: [{ href: '/register', label: 'Register' }],
          }),
          400,
        );
      }
      request.log.info({ userId }, 'email address verified');
      const session = await pool.sessions.ensure(request, reply);
      addFlash(session, 'success', 'Your email address is verified. You can log in now.');
      return redirect(reply, '/login');
    },
  );
}
