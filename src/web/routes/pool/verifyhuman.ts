// POST /verifyhuman: the captcha form. Right digits mark the session as solved until one protected
// action (register, reset request, email change) uses it; wrong ones get a new picture, so each
// picture allows one guess. Then back to the page the form was on — one of the captcha pages only,
// never a URL the form names (dcrstakepool followed the Referer).
import type { FastifyInstance } from 'fastify';
import { captchaMatches } from '../../../pool/captcha.ts';
import { csrfValid } from '../../plugins/csrf.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { stringFieldsSchema } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import {
  addFlash,
  CAPTCHA_PAGES,
  captchaDigits,
  captchaSolved,
  markCaptchaSolved,
  redirect,
  sendMessagePage,
} from './page.ts';

const bodySchema = stringFieldsSchema(['csrf', 'captchaSolution', 'return', 'reload'], 256);

export function verifyHumanRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.post<{ Body: StringFields<typeof bodySchema> }>(
    '/verifyhuman',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const back = (CAPTCHA_PAGES as readonly string[]).includes(body.return ?? '')
        ? (body.return as string)
        : '/';
      const session = await pool.sessions.current(request);
      if (session === undefined || !csrfValid(session, body.csrf)) {
        return sendMessagePage(deps, reply, 403, {
          title: 'Forbidden',
          message: 'This form has expired. Go back to the page and try again.',
          links: [{ href: back, label: 'Back' }],
        });
      }
      if (captchaSolved(session)) return redirect(reply, back);
      if (body.reload !== undefined && body.reload !== '') {
        captchaDigits(session, true);
        return redirect(reply, back);
      }
      const expected = session.data.captcha as { digits?: unknown } | undefined;
      const digits = typeof expected?.digits === 'string' ? expected.digits : '';
      if (digits !== '' && captchaMatches(digits, body.captchaSolution ?? '')) {
        markCaptchaSolved(session);
      } else {
        captchaDigits(session, true);
        addFlash(session, 'error', 'Captcha verification failed. Please try again.');
      }
      return redirect(reply, back);
    },
  );
}
