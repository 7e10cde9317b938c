// GET/POST /register: a new account. Closed pool → its message; then the captcha; then email,
// password and repeat. A known address gets exactly the same answer as a new one (no account
// enumeration, dcrstakepool#420): its owner is mailed instead (a fresh verification link while
// the address is still unverified, else a note that someone tried).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createPoolUser, getPoolUserByEmail, PoolFullError } from '../../../db/pool-users.ts';
import type { PoolUser } from '../../../db/pool-users.ts';
import { isUniqueViolation } from '../../../db/engine.ts';
import { withTransaction } from '../../../db/transaction.ts';
import type { Db } from '../../../db/transaction.ts';
import { verifyEmailMessage } from '../../../pool/emails.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { alreadyRegisteredMessage } from '../../views/pool/mails.ts';
import { registerPage } from '../../views/pool/register.ts';
import { acceptCaptchaEmailPost, emailFormSender } from './email-form.ts';
import { stringFieldsSchema } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { issueLinkToken } from './link-token.ts';
import {
  clientAddress,
  consumeCaptcha,
  nowSeconds,
  pageView,
  redirectWithFlash,
  sendMail,
} from './page.ts';
import { checkNewPassword } from './validate.ts';

/** How long an email verification link works (dcrstakepool's never expired). */
export const VERIFY_EMAIL_TTL_S = 48 * 3600;
const ID_RACE_ATTEMPTS = 8;

const bodySchema = stringFieldsSchema(['csrf', 'email', 'password', 'passwordrepeat']);

/** Stores a verification token for the user and returns it (the link's secret). */
function newVerifyToken(db: Db, userId: number, nowSec: number): Promise<string> {
  return issueLinkToken(db, {
    userId,
    kind: 'verify_email',
    expiresAt: nowSec + VERIFY_EMAIL_TTL_S,
  });
}

export function registerRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;

  const page = emailFormSender(deps, registerPage, '/register');

  const closed = (reply: FastifyReply, status: number) =>
    sendHtml(
      reply,
      registerPage({
        ...pageView(deps, undefined),
        csrf: '',
        closedMessage: pool.closePoolMsg,
      }),
      status,
    );

  app.get('/register', async (request, reply) => {
    // A closed pool needs no session: its page has no form.
    if (pool.closePool) return closed(reply, 200);
    return page(request, reply, await pool.sessions.ensure(request, reply));
  });

  app.post<{ Body: StringFields<typeof bodySchema> }>(
    '/register',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      if (pool.closePool) return closed(reply, 403);
      const body = request.body ?? {};
      const accepted = await acceptCaptchaEmailPost(deps, page, request, reply, body);
      if (accepted === undefined) return reply;
      const { session, email, typed } = accepted;
      const pwError = checkNewPassword(body.password, body.passwordrepeat);
      if (pwError !== undefined) {
        return page(request, reply, session, { status: 400, error: pwError, email: typed });
      }
      consumeCaptcha(session);
      const ip = clientAddress(deps, request);
      const now = nowSeconds(deps);
      // Hashed whether or not the address is known, so both answers take as long.
      const passwordHash = await pool.hashPassword(body.password ?? '');

      let created: { user: PoolUser; token: string } | undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          created = await withTransaction(pool.db, async (trx) => {
            const user = await createPoolUser(trx, {
              email,
              passwordHash,
              emailVerified: 0,
              voteBits: 1,
              voteBitsVersion: pool.voteVersion,
            });
            if (user === undefined) return undefined;
            return { user, token: await newVerifyToken(trx, user.id, now) };
          });
          break;
        } catch (err) {
          // Two registrations took the same next id (or the same address) at once: inside a
          // transaction the loser cannot retry by itself, so the whole transaction goes again.
          if (isUniqueViolation(err) && attempt < ID_RACE_ATTEMPTS) continue;
          if (!(err instanceof PoolFullError)) throw err;
          request.log.error('registration refused: every user id is taken');
          return page(request, reply, session, {
            status: 503,
            error: 'This pool cannot take new accounts any more.',
          });
        }
      }

      let mail;
      if (created !== undefined) {
        request.log.info({ userId: created.user.id, ip }, 'account registered');
        mail = verifyEmailMessage({ to: email, baseUrl: pool.baseUrl, token: created.token, ip });
      } else {
        const owner = await getPoolUserByEmail(pool.db, email);
        if (owner === undefined) throw new Error('register: the address is taken but has no user');
        request.log.info({ userId: owner.id, ip }, 'registration with a known address');
        mail =
          owner.emailVerified === 0
            ? verifyEmailMessage({
                to: owner.email,
                baseUrl: pool.baseUrl,
                token: await newVerifyToken(pool.db, owner.id, now),
                ip,
              })
            : alreadyRegisteredMessage({ to: owner.email, baseUrl: pool.baseUrl, ip });
      }
      if (!(await sendMail(deps, request, mail))) {
        return redirectWithFlash(
          reply,
          session,
          'error',
          'We could not send you an email right now. Try again later.',
          '/register',
        );
      }
      return redirectWithFlash(
        reply,
        session,
        'success',
        `We have sent an email to ${email}. Open the link in it to activate your account, ` +
          'then log in.',
        '/login',
      );
    },
  );
}
