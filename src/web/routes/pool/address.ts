// GET/POST /address for the logged-in user: the pubkey-address form until one is submitted, then
// the purchase information. The API token is made here on the first visit (dcrstakepool did the
// same), so a user finds it next to what the API serves.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { submitUserAddress } from '../../../pool/submit-address.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { addressPage } from '../../views/pool/address.ts';
import { expiredFormRedirect, pageView, redirectWithFlash, requireUser } from './page.ts';
import type { LoggedIn } from './page.ts';
import { pagesDeps } from './pages-context.ts';
import { lazyApiToken } from './user-api-token.ts';

const bodySchema = {
  type: 'object',
  properties: {
    csrf: { type: 'string', maxLength: 256 },
    UserPubKeyAddr: { type: 'string', maxLength: 2048 },
  },
} as const;

interface AddressBody {
  csrf?: string;
  UserPubKeyAddr?: string;
}

export function addressRoute(app: FastifyInstance, poolDeps: PoolDeps): void {
  const deps = pagesDeps(app, poolDeps, '/address');
  if (deps === undefined) return;
  const { pool, pages } = deps;

  const render = async (
    reply: FastifyReply,
    lu: LoggedIn,
    o: { status?: number; error?: string; typed?: string } = {},
  ) => {
    const { session, user } = lu;
    return sendHtml(
      reply,
      addressPage({
        ...pageView(deps, session, user),
        csrf: csrfToken(session),
        multisig: user.multisig,
        poolFees: pages.poolFees,
        apiToken: await lazyApiToken(deps, user),
        apiUrl: pool.baseUrl,
        typed: o.typed,
        error: o.error,
      }),
      o.status ?? 200,
    );
  };

  app.get('/address', async (request, reply) => {
    const lu = await requireUser(deps, request, reply);
    if (lu === undefined) return reply;
    return render(reply, lu);
  });

  app.post<{ Body: AddressBody }>(
    '/address',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const body = request.body ?? {};
      const lu = await requireUser(deps, request, reply);
      if (lu === undefined) return reply;
      if (!csrfValid(lu.session, body.csrf)) {
        return expiredFormRedirect(reply, lu.session, '/address');
      }
      const typed = (body.UserPubKeyAddr ?? '').trim();
      const r = await submitUserAddress(
        { db: pool.db, net: deps.ctx.net, keys: pages.keys, dcrd: pages.dcrd },
        lu.user,
        typed,
      );
      if (r.ok) {
        request.log.info({ user: lu.user.id, address: r.multisig.address }, 'multisig created');
        const text = 'Your ticket address is ready. You can buy tickets now.';
        return redirectWithFlash(reply, lu.session, 'success', text, '/address');
      }
      switch (r.reason) {
        case 'already':
          return redirectWithFlash(
            reply,
            lu.session,
            'error',
            'You have already submitted an address.',
            '/address',
          );
        case 'invalid':
          return render(reply, lu, { status: 400, error: r.error, typed: typed.slice(0, 128) });
        case 'unavailable':
          request.log.error({ err: r.cause, user: lu.user.id }, 'cannot make the multisig');
          return render(reply, lu, {
            status: 503,
            error: 'The pool cannot create your address right now. Please try again later.',
            typed: typed.slice(0, 128),
          });
      }
    },
  );
}
