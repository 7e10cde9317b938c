// GET/POST /passwordupdate?t=…: the link from a reset email. The new password ends every session
// of the account and every reset link it still has (dcrstakepool left the others valid), and the
// account counts as verified: the link proved the address is the user's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deletePoolTokens, peekPoolToken, takePoolToken } from '../../../db/pool-tokens.ts';
import {
  getPoolUser,
  setPoolUserEmailVerified,
  setPoolUserPassword,
} from '../../../db/pool-users.ts';
import type { PoolUser } from '../../../db/pool-users.ts';
import { withTransaction } from '../../../db/transaction.ts';
import { deleteUserWebSessions } from '../../../db/web-sessions.ts';
import { passwordChangedMessage } from '../../../pool/emails.ts';
import { isSecretTokenFormat, secretTokenHash } from '../../../pool/secret-token.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import type { ActiveSession } from '../../plugins/web-session.ts';
import { poolMessagePage } from '../../views/pool/layout.ts';
import { passwordUpdatePage } from '../../views/pool/password-update.ts';
import { addFlash, clientAddress, nowSeconds, pageView, redirect, sendMail } from './page.ts';
import { checkNewPassword } from './validate.ts';

interface UpdateBody {
  csrf?: string;
  t?: string;
  password?: string;
  passwordrepeat?: string;
}

const field = { type: 'string', maxLength: 2048 } as const;
const bodySchema = {
  type: 'object',
  properties: { csrf: field, t: field, password: field, passwordrepeat: field },
} as const;
const querySchema = {
  type: 'object',
  properties: { t: { type: 'string', maxLength: 256 } },
} as const;

export function passwordUpdateRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;

  const badLink = async (request: FastifyRequest, reply: FastifyReply) =>
    sendHtml(
      reply,
      poolMessagePage({
        ...pageView(deps, await pool.sessions.current(request)),
        title: 'Password reset',
        message:
          'This password reset link is not valid: it was already used, it has expired (links ' +
          'work for one hour), or it was not copied whole. Ask for a new one.',
        links: [{ href: '/passwordreset', label: 'Reset your password' }],
      }),
      400,
    );

  const form = (
    reply: FastifyReply,
    session: ActiveSession,
    token: string,
    o: { status?: number; error?: string } = {},
  ) =>
    sendHtml(
      reply,
      passwordUpdatePage({
        ...pageView(deps, session),
        csrf: csrfToken(session),
        token,
        error: o.error,
      }),
      o.status ?? 200,
    );

  app.get<{ Querystring: { t?: string } }>(
    '/passwordupdate',
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const t = request.query.t;
      if (
        !isSecretTokenFormat(t) ||
        (await peekPoolToken(pool.db, secretTokenHash(t), 'reset_password', nowSeconds(deps))) ===
          undefined
      ) {
        return badLink(request, reply);
      }
      return form(reply, await pool.sessions.ensure(request, reply), t);
    },
  );

  app.post<{ Body: UpdateBody }>(
    '/passwordupdate',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const t = body.t;
      if (!isSecretTokenFormat(t)) return badLink(request, reply);
      const current = await pool.sessions.current(request);
      if (current === undefined || !csrfValid(current, body.csrf)) {
        const s = current ?? (await pool.sessions.ensure(request, reply));
        return form(reply, s, t, {
          status: 403,
          error: 'This form has expired. Please try again.',
        });
      }
      const pwError = checkNewPassword(body.password, body.passwordrepeat);
      if (pwError !== undefined) return form(reply, current, t, { status: 400, error: pwError });
      const hash = await pool.hashPassword(body.password ?? '');
      const user = await withTransaction(pool.db, async (trx): Promise<PoolUser | undefined> => {
        const token = await takePoolToken(
          trx,
          secretTokenHash(t),
          'reset_password',
          nowSeconds(deps),
        );
        if (token === undefined) return undefined;
        const owner = await getPoolUser(trx, token.userId);
        if (owner === undefined) return undefined;
        await setPoolUserPassword(trx, owner.id, hash);
        if (owner.emailVerified === 0) await setPoolUserEmailVerified(trx, owner.id, 1);
        await deletePoolTokens(trx, owner.id, 'reset_password');
        await deleteUserWebSessions(trx, owner.id);
        return owner;
      });
      if (user === undefined) return badLink(request, reply);
      const ip = clientAddress(deps, request);
      request.log.info({ userId: user.id, ip }, 'password reset done');
      // When this browser was logged in as the user, its session went with the others.
      let session = current;
      if (current.userId === user.id) {
        pool.sessions.forget(request);
        session = await pool.sessions.start(request, reply);
      }
      await sendMail(
        deps,
        request,
        passwordChangedMessage({ to: user.email, baseUrl: pool.baseUrl, ip }),
      );
      addFlash(session, 'success', 'Your password is changed. Log in with the new one.');
      return redirect(reply, '/login');
    },
  );
}
