// POST /verifyhuman: the captcha form. Right digits mark the session as solved until one protected
// action (register, reset request, email change) uses it; wrong ones get a new picture, so each
// picture allows one guess. Then back to the page the form was on — one of the captcha pages only,
// never a URL the form names (dcrstakepool followed the Referer).
import type { FastifyInstance } from 'fastify';
import { captchaMatches } from '../../../pool/captcha.ts';
import { csrfValid } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { poolMessagePage } from '../../views/pool/layout.ts';
import {
  addFlash,
  CAPTCHA_PAGES,
  captchaDigits,
  captchaSolved,
  markCaptchaSolved,
  pageView,
  redirect,
} from './page.ts';

interface VerifyBody {
  csrf?: string;
  captchaSolution?: string;
  return?: string;
  reload?: string;
}

const field = { type: 'string', maxLength: 256 } as const;
const bodySchema = {
  type: 'object',
  properties: { csrf: field, captchaSolution: field, return: field, reload: field },
} as const;

export function verifyHumanRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.post<{ Body: VerifyBody }>(
    '/verifyhuman',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const back = (CAPTCHA_PAGES as readonly string[]).includes(body.return ?? '')
        ? (body.return as string)
        : '/';
      const session = await pool.sessions.current(request);
      if (session === undefined || !csrfValid(session, body.csrf)) {
        return sendHtml(
          reply,
          poolMessagePage({
            ...pageView(deps, undefined),
            title: 'Forbidden',
            message: 'This form has expired. Go back to the page and try again.',
            links: [{ href: back, label: 'Back' }],
          }),
          403,
        );
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
