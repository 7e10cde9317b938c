// GET/POST /settings for the logged-in user: change the email address (captcha + current
// password; a 1 h link goes to the new address, a notice to the old one), change the password
// (current password; every other session ends, a confirmation is mailed), and the API token
// (made when first shown; Revoke, Regenerate). Current-password checks count against the same
// per-account failed-login limit as /login, so a stolen session cannot guess the password.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deletePoolTokens } from '../../../db/pool-tokens.ts';
import { poolEmailKey, setPoolUserApiToken, setPoolUserPassword } from '../../../db/pool-users.ts';
import type { PoolUser } from '../../../db/pool-users.ts';
import { withTransaction } from '../../../db/transaction.ts';
import { deleteUserWebSessions } from '../../../db/web-sessions.ts';
import {
  emailChangeNewMessage,
  emailChangeOldMessage,
  passwordChangedMessage,
} from '../../../pool/emails.ts';
import { verifyUserPassword } from '../../../pool/password.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import type { Flash } from '../../views/pool/layout.ts';
import { MAX_PASSWORD_LENGTH } from '../../views/pool/limits.ts';
import { settingsPage } from '../../views/pool/settings.ts';
import { stringFieldsSchema } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { issueLinkToken } from './link-token.ts';
import {
  captchaSolved,
  captchaView,
  clientAddress,
  consumeCaptcha,
  nowSeconds,
  pageView,
  redirectWithFlash,
  requireUser,
  sendMail,
  waitText,
} from './page.ts';
import type { LoggedIn } from './page.ts';
import { lazyApiToken, newApiToken } from './user-api-token.ts';
import { checkEmail, checkNewPassword, typedEmail } from './validate.ts';

export const EMAIL_CHANGE_TTL_S = 3600;

const bodySchema = stringFieldsSchema([
  'csrf',
  'action',
  'email',
  'password',
  'newpassword',
  'newpasswordrepeat',
  // dcrstakepool's form flags, in place of `action`.
  'updateEmail',
  'updatePassword',
]);
type SettingsBody = StringFields<typeof bodySchema>;

/** One of the changes a post to /settings asks for. */
type SettingsChange = (
  request: FastifyRequest,
  reply: FastifyReply,
  lu: LoggedIn,
  body: SettingsBody,
) => Promise<FastifyReply>;

interface RenderOptions {
  status?: number;
  error?: string;
  newEmail?: string;
  /** Shown instead of the session's flashes (a page answered without a redirect). */
  notice?: Flash;
  /** After a revoke: show that there is none rather than making a new one. */
  noLazyToken?: boolean;
}

export function settingsRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;

  const render = async (reply: FastifyReply, lu: LoggedIn, o: RenderOptions = {}) => {
    const { session, user } = lu;
    const apiToken = o.noLazyToken === true ? user.apiToken : await lazyApiToken(deps, user);
    const frame = pageView(deps, session, user);
    return sendHtml(
      reply,
      settingsPage({
        ...frame,
        flashes: o.notice !== undefined ? [...(frame.flashes ?? []), o.notice] : frame.flashes,
        csrf: csrfToken(session),
        email: user.email,
        captcha: captchaSolved(session)
          ? undefined
          : captchaView(
              session,
              '/settings',
              'To change your email address, first type the digits in the picture.',
            ),
        apiToken,
        newEmail: o.newEmail,
        error: o.error,
      }),
      o.status ?? 200,
    );
  };

  /** The current password, through the per-account limit: undefined when right, else the refusal. */
  const checkCurrentPassword = async (
    request: FastifyRequest,
    reply: FastifyReply,
    user: PoolUser,
    password: string | undefined,
  ): Promise<{ status: number; error: string } | undefined> => {
    const key = poolEmailKey(user.email);
    const decision = await pool.emailThrottle.check(key);
    if (!decision.allowed) {
      void reply.header('retry-after', String(decision.retryAfterSeconds));
      return {
        status: 429,
        error: `Too many wrong passwords. Try again in ${waitText(decision.retryAfterSeconds)}.`,
      };
    }
    const pw = password ?? '';
    if (
      pw !== '' &&
      pw.length <= MAX_PASSWORD_LENGTH &&
      (await verifyUserPassword(user.passwordHash, pw))
    ) {
      await pool.emailThrottle.succeeded(key);
      return undefined;
    }
    await pool.emailThrottle.failed(key);
    request.log.warn({ userId: user.id }, 'settings: wrong current password');
    return { status: 400, error: 'Your current password is not correct.' };
  };

  const changeEmail: SettingsChange = async (request, reply, lu, body) => {
    const { session, user } = lu;
    const typed = typedEmail(body.email);
    if (!captchaSolved(session)) {
      return render(reply, lu, { status: 400, error: 'You must complete the captcha.' });
    }
    const checked = checkEmail(body.email);
    if ('error' in checked) {
      return render(reply, lu, { status: 400, error: checked.error, newEmail: typed });
    }
    if (poolEmailKey(checked.email) === poolEmailKey(user.email)) {
      return render(reply, lu, {
        status: 400,
        error: 'That is already your email address.',
        newEmail: typed,
      });
    }
    const refused = await checkCurrentPassword(request, reply, user, body.password);
    if (refused !== undefined) return render(reply, lu, { ...refused, newEmail: typed });
    consumeCaptcha(session);
    // Whether another account has the address is not said here (no enumeration): the link
    // goes to it either way, and completing the change checks again.
    const token = await issueLinkToken(pool.db, {
      userId: user.id,
      kind: 'change_email',
      newEmail: checked.email,
      expiresAt: nowSeconds(deps) + EMAIL_CHANGE_TTL_S,
    });
    const ip = clientAddress(deps, request);
    request.log.info({ userId: user.id, ip }, 'email change asked');
    const sentNew = await sendMail(
      deps,
      request,
      emailChangeNewMessage({
        to: checked.email,
        oldEmail: user.email,
        baseUrl: pool.baseUrl,
        token,
        ip,
      }),
    );
    await sendMail(
      deps,
      request,
      emailChangeOldMessage({ to: user.email, newEmail: checked.email, baseUrl: pool.baseUrl, ip }),
    );
    return sentNew
      ? redirectWithFlash(
          reply,
          session,
          'success',
          `We have sent a link to ${checked.email}. Your address changes when you open it ` +
            '(within one hour).',
          '/settings',
        )
      : redirectWithFlash(
          reply,
          session,
          'error',
          'We could not send the email right now. Try again later.',
          '/settings',
        );
  };

  const changePassword: SettingsChange = async (request, reply, lu, body) => {
    const { session, user } = lu;
    const refused = await checkCurrentPassword(request, reply, user, body.password);
    if (refused !== undefined) return render(reply, lu, refused);
    const pwError = checkNewPassword(body.newpassword, body.newpasswordrepeat);
    if (pwError !== undefined) return render(reply, lu, { status: 400, error: pwError });
    const hash = await pool.hashPassword(body.newpassword ?? '');
    const ended = await withTransaction(pool.db, async (trx) => {
      await setPoolUserPassword(trx, user.id, hash);
      // Outstanding reset links would undo the change: they go too.
      await deletePoolTokens(trx, user.id, 'reset_password');
      return deleteUserWebSessions(trx, user.id, session.idHash);
    });
    const ip = clientAddress(deps, request);
    request.log.info({ userId: user.id, ip, ended }, 'password changed');
    await sendMail(
      deps,
      request,
      passwordChangedMessage({ to: user.email, baseUrl: pool.baseUrl, ip }),
    );
    const text = 'Your password is changed. Your other sessions were logged out.';
    return redirectWithFlash(reply, session, 'success', text, '/settings');
  };

  app.get('/settings', async (request, reply) => {
    const lu = await requireUser(deps, request, reply);
    if (lu === undefined) return reply;
    return render(reply, lu);
  });

  app.post<{ Body: SettingsBody }>(
    '/settings',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const lu = await requireUser(deps, request, reply);
      if (lu === undefined) return reply;
      const body = request.body ?? {};
      if (!csrfValid(lu.session, body.csrf)) {
        return render(reply, lu, {
          status: 403,
          error: 'This form has expired. Please try again.',
        });
      }
      const action =
        body.action ??
        (body.updateEmail === 'true' ? 'email' : body.updatePassword === 'true' ? 'password' : '');
      switch (action) {
        case 'email':
          return changeEmail(request, reply, lu, body);
        case 'password':
          return changePassword(request, reply, lu, body);
        case 'revoke': {
          await setPoolUserApiToken(pool.db, lu.user.id, undefined);
          request.log.info({ userId: lu.user.id }, 'API token revoked');
          // Answered here, not redirected: the page that follows would make a new token.
          return render(
            reply,
            { ...lu, user: { ...lu.user, apiToken: undefined } },
            {
              noLazyToken: true,
              notice: {
                kind: 'success',
                text: 'Your API token is revoked: the API refuses it from now on.',
              },
            },
          );
        }
        case 'regenerate': {
          const token = await newApiToken(deps, lu.user);
          await setPoolUserApiToken(pool.db, lu.user.id, token);
          request.log.info({ userId: lu.user.id }, 'API token regenerated');
          return redirectWithFlash(
            reply,
            lu.session,
            'success',
            'Here is your new API token. The old one no longer works.',
            '/settings#apitoken',
          );
        }
        default:
          return render(reply, lu, { status: 400, error: 'Choose what to change.' });
      }
    },
  );
}
