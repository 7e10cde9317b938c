// The server-rendered site: the home page, the stylesheet, (when the composition root gives an
// AdminContext) the admin pages and /admin/status, and (with a PoolContext) the legacy pool's
// account pages. Its own scope, so its form parser, error pages and security headers do not touch
// /api/v3.
import type { FastifyError, FastifyPluginCallback } from 'fastify';
import type { SafeHtml } from '../views/html.ts';
import { messagePage } from '../views/message.ts';
import { adminHomeRoute } from '../routes/admin/home.ts';
import { backupRoute } from '../routes/admin/backup.ts';
import { loginRoute } from '../routes/admin/login.ts';
import { logoutRoute } from '../routes/admin/logout.ts';
import { missedRoute } from '../routes/admin/missed.ts';
import { statusJsonRoute } from '../routes/admin/status-json.ts';
import { ticketRoute } from '../routes/admin/ticket.ts';
import { homeRoute } from '../routes/pages/home.ts';
import { publicRoute } from '../routes/pages/public.ts';
import { endSessionsOfOldAdminPassword } from './admin-auth.ts';
import { formBody } from './forms.ts';
import { poolPages } from './pool.ts';
import { sendHtml, siteView } from './site.ts';
import type { AdminDeps, PagesDeps } from './site.ts';

// No script may run and nothing may be framed: the pages need no JavaScript at all.
const CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function pages(deps: PagesDeps): FastifyPluginCallback {
  return (app, _opts, done) => {
    formBody(app);

    app.addHook('onSend', async (request, reply, payload) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'same-origin');
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
        reply.header('content-security-policy', CSP);
      }
      // Admin pages hold keys and records: never cached by a browser or a proxy.
      const path = request.url.split('?', 1)[0] ?? '';
      if (path === '/admin' || path.startsWith('/admin/')) {
        reply.header('cache-control', 'no-store');
      }
      return payload;
    });

    const message = (title: string, text: string): SafeHtml =>
      messagePage({ site: siteView(deps), nowMs: deps.ctx.now(), title, message: text });

    app.setErrorHandler((err: FastifyError, request, reply) => {
      const status =
        typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600
          ? err.statusCode
          : 500;
      if (status >= 500) {
        // The cause goes to the log only; the page says nothing about it.
        request.log.error({ err, url: request.url }, 'page failed');
        return sendHtml(reply, message('Error', 'Something went wrong on our side.'), status);
      }
      request.log.warn({ err: err.message, url: request.url }, 'bad page request');
      return sendHtml(
        reply,
        message('Bad request', 'The request could not be understood.'),
        status,
      );
    });
    app.setNotFoundHandler((_request, reply) =>
      sendHtml(reply, message('Not found', 'There is no page at this address.'), 404),
    );

    publicRoute(app);
    homeRoute(app, deps);
    const { admin } = deps;
    if (admin !== undefined) {
      const adminDeps: AdminDeps = { ...deps, admin };
      admin.sessions.install(app);
      app.addHook('onReady', async () => {
        const ended = await endSessionsOfOldAdminPassword(admin);
        if (ended > 0) app.log.info({ ended }, 'admin password changed: admin sessions ended');
      });
      adminHomeRoute(app, adminDeps);
      loginRoute(app, adminDeps);
      logoutRoute(app, adminDeps);
      ticketRoute(app, adminDeps);
      missedRoute(app, adminDeps);
      backupRoute(app, adminDeps);
      statusJsonRoute(app, adminDeps);
    }
    const { pool } = deps;
    if (pool !== undefined) void app.register(poolPages({ ...deps, pool }));
    done();
  };
}
