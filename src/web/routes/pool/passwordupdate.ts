// GET/POST /passwordupdate?t=…: the link from a reset email. The new password ends every session
// of the account and every reset link it still has (dcrstakepool left the others valid), and the
// account counts as verified: the link proved the address is the user's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deletePoolTokens, peekPoolToken } from '../../../db/pool-tokens.ts';
import { setPoolUserEmailVerified, setPoolUserPassword } from '../../../db/pool-users.ts';
import { deleteUserWebSessions } from '../../../db/web-sessions.ts';
import { passwordChangedMessage } from '../../../pool/emails.ts';
import { isSecretTokenFormat, secretTokenHash } from '../../../pool/secret-token.ts';
import { csrfToken } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import type { ActiveSession } from '../../plugins/web-session.ts';
import { passwordUpdatePage } from '../../views/pool/password-update.ts';
import { LINK_QUERY_SCHEMA, stringFieldsSchema } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { redeemLinkToken, sendLinkRefusal } from './link-token.ts';
import {
  clientAddress,
  formSession,
  nowSeconds,
  pageView,
  redirectWithFlash,
  sendMail,
} from './page.ts';
import { checkNewPassword } from './validate.ts';

const bodySchema = stringFieldsSchema(['csrf', 't', 'password', 'passwordrepeat']);

export function passwordUpdateRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;

  const badLink = (request: FastifyRequest, reply: FastifyReply) =>
    sendLinkRefusal(deps, request, reply, 400, {
      title: 'Password reset',
      message:
        'This password reset link is not valid: it was already used, it has expired (links ' +
        'work for one hour), or it was not copied whole. Ask for a new one.',
      links: [{ href: '/passwordreset', label: 'Reset your password' }],
    });

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

  app.get<{ Querystring: StringFields<typeof LINK_QUERY_SCHEMA> }>(
    '/passwordupdate',
    { schema: { querystring: LINK_QUERY_SCHEMA } },
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

  app.post<{ Body: StringFields<typeof bodySchema> }>(
    '/passwordupdate',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const t = body.t;
      if (!isSecretTokenFormat(t)) return badLink(request, reply);
      const { session, expired } = await formSession(deps, request, reply, body.csrf);
      if (expired) {
        return form(reply, session, t, {
          status: 403,
          error: 'This form has expired. Please try again.',
        });
      }
      const pwError = checkNewPassword(body.password, body.passwordrepeat);
      if (pwError !== undefined) return form(reply, session, t, { status: 400, error: pwError });
      const hash = await pool.hashPassword(body.password ?? '');
      const user = await redeemLinkToken(deps, t, 'reset_password', async (trx, _token, owner) => {
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
      let answerOn = session;
      if (session.userId === user.id) {
        pool.sessions.forget(request);
        answerOn = await pool.sessions.start(request, reply);
      }
      await sendMail(
        deps,
        request,
        passwordChangedMessage({ to: user.email, baseUrl: pool.baseUrl, ip }),
      );
      return redirectWithFlash(
        reply,
        answerOn,
        'success',
        'Your password is changed. Log in with the new one.',
        '/login',
      );
    },
  );
}
