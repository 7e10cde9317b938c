// POST /admin/logout: end the admin session (with its CSRF token, so another site cannot log the
// admin out). Its row is deleted, so the cookie is worthless even if it was copied. GET is
// refused: a link or an image must not log anyone out.
import type { FastifyInstance } from 'fastify';
import { readSession } from '../../plugins/admin-auth.ts';
import { csrfValid } from '../../plugins/csrf.ts';
import { sendHtml, siteView } from '../../plugins/site.ts';
import type { AdminDeps } from '../../plugins/site.ts';
import { messagePage } from '../../views/message.ts';

const bodySchema = {
  type: 'object',
  properties: { csrf: { type: 'string', maxLength: 256 } },
} as const;

export function logoutRoute(app: FastifyInstance, deps: AdminDeps): void {
  const { ctx, admin } = deps;
  app.post<{ Body: { csrf?: string } }>(
    '/admin/logout',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const now = ctx.now();
      const session = await readSession(request, admin);
      if (!csrfValid(session, request.body.csrf)) {
        request.log.warn('admin logout without a valid CSRF token');
        return sendHtml(
          reply,
          messagePage({
            site: siteView(deps),
            nowMs: now,
            title: 'Forbidden',
            message: 'The logout form has expired. Go back to the admin page and try again.',
          }),
          403,
        );
      }
      await admin.sessions.end(request, reply);
      if (session?.admin === true) request.log.info('admin logged out');
      return reply.code(303).header('location', '/admin').send();
    },
  );
  app.get('/admin/logout', (_request, reply) =>
    sendHtml(
      reply.header('allow', 'POST'),
      messagePage({
        site: siteView(deps),
        nowMs: ctx.now(),
        title: 'Method not allowed',
        message: 'Log out with the button on the admin pages.',
      }),
      405,
    ),
  );
}
