// How the pages whose form starts from an email address (log in, register, reset a password) are
// answered: the frame for whoever is logged in, the session's CSRF token, the captcha while the
// session has not solved it (on the pages that have one), and a refused post's address and error.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfToken } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import type { ActiveSession } from '../../plugins/web-session.ts';
import type { SafeHtml } from '../../views/html.ts';
import type { EmailFormView } from '../../views/pool/field.ts';
import { captchaSolved, captchaView, currentUser, formSession, pageView } from './page.ts';
import type { CaptchaPage } from './page.ts';
import { checkEmail, typedEmail } from './validate.ts';

export interface EmailFormAnswer {
  status?: number;
  error?: string;
  /** What was typed into the email field, shown again. */
  email?: string;
}

export type EmailFormSender = (
  request: FastifyRequest,
  reply: FastifyReply,
  session: ActiveSession,
  o?: EmailFormAnswer,
) => Promise<FastifyReply>;

/** Sends `render`'s page; with `captchaPage`, behind that page's captcha. */
export function emailFormSender(
  deps: PoolDeps,
  render: (v: EmailFormView) => SafeHtml,
  captchaPage?: CaptchaPage,
): EmailFormSender {
  return async (request, reply, session, o = {}) => {
    const user = (await currentUser(deps, request))?.user;
    return sendHtml(
      reply,
      render({
        ...pageView(deps, session, user),
        csrf: csrfToken(session),
        captcha:
          captchaPage === undefined || captchaSolved(session)
            ? undefined
            : captchaView(session, captchaPage, 'First, type the digits in the picture.'),
        email: o.email,
        error: o.error,
      }),
      o.status ?? 200,
    );
  };
}

/**
 * The first checks of a post to an email form behind the captcha: the session's CSRF token, the
 * solved captcha, then the address. Undefined after answering with the form and the first error.
 */
export async function acceptCaptchaEmailPost(
  deps: PoolDeps,
  form: EmailFormSender,
  request: FastifyRequest,
  reply: FastifyReply,
  body: { csrf?: string; email?: string },
): Promise<{ session: ActiveSession; email: string; typed: string } | undefined> {
  const { session, expired } = await formSession(deps, request, reply, body.csrf);
  const refuse = async (o: EmailFormAnswer): Promise<undefined> => {
    await form(request, reply, session, o);
    return undefined;
  };
  if (expired) return refuse({ status: 403, error: 'This form has expired. Please try again.' });
  if (!captchaSolved(session)) {
    return refuse({ status: 400, error: 'You must complete the captcha.' });
  }
  const typed = typedEmail(body.email);
  const checked = checkEmail(body.email);
  if ('error' in checked) return refuse({ status: 400, error: checked.error, email: typed });
  return { session, email: checked.email, typed };
}
