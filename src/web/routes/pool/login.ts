// GET/POST /login. Failed logins are limited per client address and per account email through
// the shared DB throttle (dcrstakepool left that to nginx); an unknown address and a wrong
// password get the same answer and take as long. A successful login gets a new session id, and
// an imported bcrypt hash is replaced by a scrypt one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getPoolUserByEmail, poolEmailKey, setPoolUserPassword } from '../../../db/pool-users.ts';
import { needsRehash, verifyUserPassword } from '../../../pool/password.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps, ResolvedPool } from '../../plugins/site.ts';
import type { ActiveSession } from '../../plugins/web-session.ts';
import { loginPage } from '../../views/pool/login.ts';
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH } from '../../views/pool/limits.ts';
import { clientAddress, currentUser, landingPath, pageView, redirect } from './page.ts';

interface LoginBody {
  csrf?: string;
  email?: string;
  password?: string;
}

const field = { type: 'string', maxLength: 2048 } as const;
const bodySchema = {
  type: 'object',
  properties: { csrf: field, email: field, password: field },
} as const;

export const INVALID_LOGIN = 'Invalid email or password.';

// A hash to check unknown addresses against, so they cost what a wrong password costs.
const decoys = new WeakMap<ResolvedPool, Promise<string>>();
function decoyHash(pool: ResolvedPool): Promise<string> {
  let h = decoys.get(pool);
  if (h === undefined) {
    h = pool.hashPassword('not the password of any account');
    decoys.set(pool, h);
  }
  return h;
}

/** The throttle key of an email: its lowercase form, bounded. */
function emailKey(email: string): string {
  return poolEmailKey(email).slice(0, MAX_EMAIL_LENGTH);
}

export function loginRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;

  const form = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: ActiveSession,
    o: { status?: number; error?: string; email?: string } = {},
  ) => {
    const user = (await currentUser(deps, request))?.user;
    return sendHtml(
      reply,
      loginPage({
        ...pageView(deps, session, user),
        csrf: csrfToken(session),
        email: o.email,
        error: o.error,
      }),
      o.status ?? 200,
    );
  };

  app.get('/login', async (request, reply) =>
    form(request, reply, await pool.sessions.ensure(request, reply)),
  );

  app.post<{ Body: LoginBody }>(
    '/login',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const typed = typeof body.email === 'string' ? body.email.trim().slice(0, 254) : '';
      const current = await pool.sessions.current(request);
      if (current === undefined || !csrfValid(current, body.csrf)) {
        const s = current ?? (await pool.sessions.ensure(request, reply));
        return form(request, reply, s, {
          status: 403,
          error: 'This form has expired. Please log in again.',
          email: typed,
        });
      }
      const ip = clientAddress(deps, request);
      const key = emailKey(typed);
      const [byIp, byEmail] = await Promise.all([
        pool.ipThrottle.check(ip),
        pool.emailThrottle.check(key),
      ]);
      if (!byIp.allowed || !byEmail.allowed) {
        const wait = Math.max(
          byIp.allowed ? 0 : byIp.retryAfterSeconds,
          byEmail.allowed ? 0 : byEmail.retryAfterSeconds,
        );
        request.log.warn({ ip }, 'login refused: too many failed attempts');
        void reply.header('retry-after', String(wait));
        const minutes = Math.ceil(wait / 60);
        return form(request, reply, current, {
          status: 429,
          error: `Too many failed logins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          email: typed,
        });
      }

      const password = typeof body.password === 'string' ? body.password : '';
      const user =
        typed === '' || typed.length > MAX_EMAIL_LENGTH
          ? undefined
          : await getPoolUserByEmail(pool.db, typed);
      let ok = false;
      if (password !== '' && password.length <= MAX_PASSWORD_LENGTH) {
        if (user === undefined) await verifyUserPassword(await decoyHash(pool), password);
        else ok = await verifyUserPassword(user.passwordHash, password);
      }
      if (!ok || user === undefined) {
        await Promise.all([pool.ipThrottle.failed(ip), pool.emailThrottle.failed(key)]);
        request.log.warn({ ip }, 'login failed');
        return form(request, reply, current, { status: 401, error: INVALID_LOGIN, email: typed });
      }
      await pool.emailThrottle.succeeded(key);
      if (user.emailVerified === 0) {
        return form(request, reply, current, {
          status: 403,
          error: 'You must validate your email address. Open the link in the email we sent you.',
          email: typed,
        });
      }
      if (needsRehash(user.passwordHash)) {
        await setPoolUserPassword(pool.db, user.id, await pool.hashPassword(password));
        request.log.info({ userId: user.id }, 'password re-hashed with scrypt');
      }
      // A new id for the logged-in session: an id planted before login is worth nothing after.
      await pool.sessions.start(request, reply, { userId: user.id });
      request.log.info({ userId: user.id, ip }, 'logged in');
      return redirect(reply, landingPath(user));
    },
  );
}
