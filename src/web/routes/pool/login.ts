// GET/POST /login. Failed logins are limited per client address and per account email through
// the shared DB throttle (dcrstakepool left that to nginx); an unknown address and a wrong
// password get the same answer and take as long. A successful login gets a new session id, and
// an imported bcrypt hash is replaced by a scrypt one.
import type { FastifyInstance } from 'fastify';
import { getPoolUserByEmail, poolEmailKey, setPoolUserPassword } from '../../../db/pool-users.ts';
import { needsRehash, verifyUserPassword } from '../../../pool/password.ts';
import type { PoolDeps, ResolvedPool } from '../../plugins/site.ts';
import { loginPage } from '../../views/pool/login.ts';
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH } from '../../views/pool/limits.ts';
import { emailFormSender } from './email-form.ts';
import { stringFieldsSchema } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { clientAddress, formSession, landingPath, redirect, waitText } from './page.ts';
import { typedEmail } from './validate.ts';

const bodySchema = stringFieldsSchema(['csrf', 'email', 'password']);

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

  const form = emailFormSender(deps, loginPage);

  app.get('/login', async (request, reply) =>
    form(request, reply, await pool.sessions.ensure(request, reply)),
  );

  app.post<{ Body: StringFields<typeof bodySchema> }>(
    '/login',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const typed = typedEmail(body.email);
      const { session, expired } = await formSession(deps, request, reply, body.csrf);
      if (expired) {
        return form(request, reply, session, {
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
        return form(request, reply, session, {
          status: 429,
          error: `Too many failed logins. Try again in ${waitText(wait)}.`,
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
        return form(request, reply, session, { status: 401, error: INVALID_LOGIN, email: typed });
      }
      await pool.emailThrottle.succeeded(key);
      if (user.emailVerified === 0) {
        return form(request, reply, session, {
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
