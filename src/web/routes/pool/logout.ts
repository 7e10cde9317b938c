// POST /logout: the session row is deleted and the browser gets a new, anonymous session (which
// carries the "logged out" notice). It needs the session's CSRF token, so another site cannot log
// a user out; GET is refused (dcrstakepool logged out on GET).
import type { FastifyInstance } from 'fastify';
import { csrfValid } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { poolMessagePage } from '../../views/pool/layout.ts';
import { pageView, redirect } from './page.ts';

const bodySchema = {
  type: 'object',
  properties: { csrf: { type: 'string', maxLength: 256 } },
} as const;

export function logoutRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.post<{ Body: { csrf?: string } }>(
    '/logout',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const session = await pool.sessions.current(request);
      if (!csrfValid(session, request.body?.csrf)) {
        return sendHtml(
          reply,
          poolMessagePage({
            ...pageView(deps, undefined),
            title: 'Forbidden',
            message: 'The logout form has expired. Go back to the page and try again.',
          }),
          403,
        );
      }
      if (session?.userId !== undefined) request.log.info({ userId: session.userId }, 'logged out');
      await pool.sessions.start(request, reply, {
        data: { flash: [{ kind: 'info', text: 'You are logged out.' }] },
      });
      return redirect(reply, '/login');
    },
  );
  app.get('/logout', (_request, reply) =>
    sendHtml(
      reply.header('allow', 'POST'),
      poolMessagePage({
        ...pageView(deps, undefined),
        title: 'Method not allowed',
        message: 'Log out with the button at the top of the account pages.',
      }),
      405,
    ),
  );
}
