// GET/POST /passwordreset: after the captcha, an email address; if an account uses it, a link
// (1 h) to choose a new password is mailed. The answer is the same whether or not the address is
// known, and the mail is sent after the answer so the time taken does not tell either.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { insertPoolToken } from '../../../db/pool-tokens.ts';
import { getPoolUserByEmail } from '../../../db/pool-users.ts';
import { passwordResetMessage } from '../../../pool/emails.ts';
import { newSecretToken, secretTokenHash } from '../../../pool/secret-token.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import type { ActiveSession } from '../../plugins/web-session.ts';
import { passwordResetPage } from '../../views/pool/password-reset.ts';
import {
  addFlash,
  captchaSolved,
  captchaView,
  clientAddress,
  consumeCaptcha,
  currentUser,
  nowSeconds,
  pageView,
  redirect,
  sendMail,
} from './page.ts';
import { checkEmail } from './validate.ts';

export const RESET_TOKEN_TTL_S = 3600;

const field = { type: 'string', maxLength: 2048 } as const;
const bodySchema = { type: 'object', properties: { csrf: field, email: field } } as const;

export function passwordResetRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: ActiveSession,
    o: { status?: number; error?: string; email?: string } = {},
  ) => {
    const user = (await currentUser(deps, request))?.user;
    return sendHtml(
      reply,
      passwordResetPage({
        ...pageView(deps, session, user),
        csrf: csrfToken(session),
        captcha: captchaSolved(session)
          ? undefined
          : captchaView(session, '/passwordreset', 'First, type the digits in the picture.'),
        email: o.email,
        error: o.error,
      }),
      o.status ?? 200,
    );
  };

  app.get('/passwordreset', async (request, reply) =>
    page(request, reply, await pool.sessions.ensure(request, reply)),
  );

  app.post<{ Body: { csrf?: string; email?: string } }>(
    '/passwordreset',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const typed = typeof body.email === 'string' ? body.email.trim().slice(0, 254) : '';
      const current = await pool.sessions.current(request);
      if (current === undefined || !csrfValid(current, body.csrf)) {
        const s = current ?? (await pool.sessions.ensure(request, reply));
        return page(request, reply, s, {
          status: 403,
          error: 'This form has expired. Please try again.',
        });
      }
      const session = current;
      if (!captchaSolved(session)) {
        return page(request, reply, session, {
          status: 400,
          error: 'You must complete the captcha.',
        });
      }
      const checked = checkEmail(body.email);
      if ('error' in checked) {
        return page(request, reply, session, { status: 400, error: checked.error, email: typed });
      }
      consumeCaptcha(session);
      const ip = clientAddress(deps, request);
      const user = await getPoolUserByEmail(pool.db, checked.email);
      if (user !== undefined) {
        const token = newSecretToken();
        await insertPoolToken(pool.db, {
          tokenHash: secretTokenHash(token),
          userId: user.id,
          kind: 'reset_password',
          newEmail: undefined,
          expiresAt: nowSeconds(deps) + RESET_TOKEN_TTL_S,
        });
        request.log.info({ userId: user.id, ip }, 'password reset asked');
        const message = passwordResetMessage({
          to: user.email,
          baseUrl: pool.baseUrl,
          token,
          ip,
        });
        // Not awaited: a known address must not answer later than an unknown one.
        void sendMail(deps, request, message);
      }
      addFlash(
        session,
        'success',
        `If an account uses ${checked.email}, we have sent it a link to choose a new password. ` +
          'The link works for one hour.',
      );
      return redirect(reply, '/login');
    },
  );
}
