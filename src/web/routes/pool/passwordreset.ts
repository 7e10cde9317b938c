// GET/POST /passwordreset: after the captcha, an email address; if an account uses it, a link
// (1 h) to choose a new password is mailed. The answer is the same whether or not the address is
// known, and the mail is sent after the answer so the time taken does not tell either.
import type { FastifyInstance } from 'fastify';
import { getPoolUserByEmail } from '../../../db/pool-users.ts';
import { passwordResetMessage } from '../../../pool/emails.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { passwordResetPage } from '../../views/pool/password-reset.ts';
import { acceptCaptchaEmailPost, emailFormSender } from './email-form.ts';
import { stringFieldsSchema } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { issueLinkToken } from './link-token.ts';
import { clientAddress, consumeCaptcha, nowSeconds, redirectWithFlash, sendMail } from './page.ts';

export const RESET_TOKEN_TTL_S = 3600;

const bodySchema = stringFieldsSchema(['csrf', 'email']);

export function passwordResetRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;

  const page = emailFormSender(deps, passwordResetPage, '/passwordreset');

  app.get('/passwordreset', async (request, reply) =>
    page(request, reply, await pool.sessions.ensure(request, reply)),
  );

  app.post<{ Body: StringFields<typeof bodySchema> }>(
    '/passwordreset',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const accepted = await acceptCaptchaEmailPost(deps, page, request, reply, body);
      if (accepted === undefined) return reply;
      const { session, email } = accepted;
      consumeCaptcha(session);
      const ip = clientAddress(deps, request);
      const user = await getPoolUserByEmail(pool.db, email);
      if (user !== undefined) {
        const token = await issueLinkToken(pool.db, {
          userId: user.id,
          kind: 'reset_password',
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
      return redirectWithFlash(
        reply,
        session,
        'success',
        `If an account uses ${email}, we have sent it a link to choose a new password. ` +
          'The link works for one hour.',
        '/login',
      );
    },
  );
}
