// The legacy pool's face (dcrstakepool's pages): registered from pages.ts when the composition
// root gives a PoolContext, in its own scope under the pages' form parser, error pages and
// security headers. Its pages are private unless a route says otherwise, and its server-side
// sessions are written back here. New pages join POOL_ROUTES.
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { captchaRoute } from '../routes/pool/captcha.ts';
import { emailUpdateRoute } from '../routes/pool/emailupdate.ts';
import { emailVerifyRoute } from '../routes/pool/emailverify.ts';
import { loginRoute } from '../routes/pool/login.ts';
import { logoutRoute } from '../routes/pool/logout.ts';
import { PRIVATE_CACHE } from '../routes/pool/page.ts';
import { passwordResetRoute } from '../routes/pool/passwordreset.ts';
import { passwordUpdateRoute } from '../routes/pool/passwordupdate.ts';
import { registerRoute } from '../routes/pool/register.ts';
import { settingsRoute } from '../routes/pool/settings.ts';
import { verifyHumanRoute } from '../routes/pool/verifyhuman.ts';
import { addressRoute } from '../routes/pool/address.ts';
import { adminTicketsRoute } from '../routes/pool/admintickets.ts';
import { statsRoute } from '../routes/pool/stats.ts';
import { statusRoute } from '../routes/pool/status.ts';
import { ticketsRoute } from '../routes/pool/tickets.ts';
import { votingRoute } from '../routes/pool/voting.ts';
import type { PoolDeps } from './site.ts';

export type PoolRoute = (app: FastifyInstance, deps: PoolDeps) => void;

/** Every route of the legacy face, one module each. */
export const POOL_ROUTES: readonly PoolRoute[] = [
  // accounts
  registerRoute,
  emailVerifyRoute,
  loginRoute,
  logoutRoute,
  passwordResetRoute,
  passwordUpdateRoute,
  emailUpdateRoute,
  settingsRoute,
  captchaRoute,
  verifyHumanRoute,
  // pool pages (need PoolContext.pages)
  addressRoute,
  ticketsRoute,
  votingRoute,
  statsRoute,
  statusRoute,
  adminTicketsRoute,
];

export function poolPages(
  deps: PoolDeps,
  routes: readonly PoolRoute[] = POOL_ROUTES,
): FastifyPluginCallback {
  return (app, _opts, done) => {
    deps.pool.sessions.install(app);
    app.addHook('onSend', async (_request, reply, payload) => {
      // dcrstakepool's header on every private page; a public page (/stats) sets its own.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', PRIVATE_CACHE);
      return payload;
    });
    for (const route of routes) route(app, deps);
    done();
  };
}
