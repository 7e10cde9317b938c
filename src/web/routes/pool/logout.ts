// POST /logout: the session row is deleted and the browser gets a new, anonymous session (which
// carries the "logged out" notice). It needs the session's CSRF token, so another site cannot log
// a user out; GET is refused (dcrstakepool logged out on GET).
import type { FastifyInstance } from 'fastify';
import { csrfValid } from '../../plugins/csrf.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { stringFieldsSchema } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { redirect, sendMessagePage } from './page.ts';

const bodySchema = stringFieldsSchema(['csrf'], 256);

export function logoutRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.post<{ Body: StringFields<typeof bodySchema> }>(
    '/logout',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const session = await pool.sessions.current(request);
      if (!csrfValid(session, request.body?.csrf)) {
        return sendMessagePage(deps, reply, 403, {
          title: 'Forbidden',
          message: 'The logout form has expired. Go back to the page and try again.',
        });
      }
      if (session?.userId !== undefined) request.log.info({ userId: session.userId }, 'logged out');
      await pool.sessions.start(request, reply, {
        data: { flash: [{ kind: 'info', text: 'You are logged out.' }] },
      });
      return redirect(reply, '/login');
    },
  );
  app.get('/logout', (_request, reply) =>
    sendMessagePage(deps, reply.header('allow', 'POST'), 405, {
      title: 'Method not allowed',
      message: 'Log out with the button at the top of the account pages.',
    }),
  );
}
