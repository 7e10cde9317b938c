// POST /admin: log in with the admin password. The form must carry the CSRF token of the
// session it was served with (no login CSRF), failed guesses are limited per client address,
// and a successful login starts a new session id (no session fixation).
import type { FastifyInstance } from 'fastify';
import {
  checkAdminPassword,
  clientIp,
  ensureSession,
  readSession,
  startAdminSession,
} from '../../plugins/admin-auth.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import { sendHtml, siteView } from '../../plugins/site.ts';
import type { AdminDeps } from '../../plugins/site.ts';
import { loginPage } from '../../views/admin/login.ts';

interface LoginBody {
  password?: string;
  csrf?: string;
}

const bodySchema = {
  type: 'object',
  properties: {
    password: { type: 'string', maxLength: 1024 },
    csrf: { type: 'string', maxLength: 256 },
  },
} as const;

export function loginRoute(app: FastifyInstance, deps: AdminDeps): void {
  const { ctx, admin } = deps;
  app.post<{ Body: LoginBody }>(
    '/admin',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const now = ctx.now();
      const ip = clientIp(request, admin.realIpHeader);
      const session = await readSession(request, admin);
      const form = async (status: number, error: string) => {
        const current = await ensureSession(request, reply, admin);
        return sendHtml(
          reply,
          loginPage({ site: siteView(deps), nowMs: now, csrf: csrfToken(current), error }),
          status,
        );
      };

      if (!csrfValid(session, request.body.csrf)) {
        request.log.warn({ ip }, 'admin login without a valid CSRF token');
        return form(403, 'This form has expired. Please enter the password again.');
      }
      const result = await checkAdminPassword(admin, ip, request.body.password ?? '');
      if (typeof result === 'object') {
        request.log.warn({ ip }, 'admin login refused: too many failed attempts');
        void reply.header('retry-after', String(result.throttled));
        const minutes = Math.ceil(result.throttled / 60);
        return form(
          429,
          `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        );
      }
      if (result === 'wrong') {
        request.log.warn({ ip }, 'admin login failed: wrong password');
        return form(401, 'Incorrect password.');
      }
      await startAdminSession(request, reply, admin, now);
      request.log.info({ ip }, 'admin logged in');
      return reply.code(303).header('location', '/admin').send();
    },
  );
}
