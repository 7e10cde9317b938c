// GET/POST /admintickets for the pool's admins: add ignored low-fee tickets so the voter votes
// them, or remove added ones. A POST names the tickets by checkbox (ticket-<hash>) and says
// `action=add|remove`; only currently ignored tickets can be added, as dcrstakepool required.
import type { FastifyInstance } from 'fastify';
import {
  addLowFeeTickets,
  addedLowFeeTickets,
  ignoredLowFeeTickets,
  removeLowFeeTickets,
} from '../../../db/pool-low-fee-tickets.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import type { FormFields } from '../../plugins/forms.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { adminTicketsPage } from '../../views/pool/admintickets.ts';
import { requirePoolAdmin } from './admin-access.ts';
import { addFlash, expiredFormRedirect, pageView, redirect, redirectWithFlash } from './page.ts';
import { pagesDeps, tipHeight } from './pages-context.ts';

const FIELD = /^ticket-([0-9a-f]{64})$/;

/** The tickets a form selected (checkbox fields ticket-<hash>), at most `max`. */
export function selectedTickets(body: FormFields, max = 1000): string[] {
  const out: string[] = [];
  for (const name of Object.keys(body)) {
    const m = FIELD.exec(name);
    if (m?.[1] !== undefined && out.length < max) out.push(m[1]);
  }
  return out;
}

export function adminTicketsRoute(app: FastifyInstance, poolDeps: PoolDeps): void {
  const deps = pagesDeps(app, poolDeps, '/admintickets');
  if (deps === undefined) return;
  const { pool, pages } = deps;
  const net = deps.ctx.net;

  app.get('/admintickets', async (request, reply) => {
    const lu = await requirePoolAdmin(deps, request, reply);
    if (lu === undefined) return reply;
    const [ignored, added, tip] = await Promise.all([
      ignoredLowFeeTickets(pool.db),
      addedLowFeeTickets(pool.db),
      tipHeight(pages),
    ]);
    return sendHtml(
      reply,
      adminTicketsPage({
        ...pageView(deps, lu.session, lu.user),
        csrf: csrfToken(lu.session),
        net: net.name,
        // Newest first, as the other ticket lists.
        ignored: [...ignored].reverse(),
        added: [...added].reverse(),
        lifeBlocks: net.ticketMaturity + net.ticketExpiry,
        tipHeight: tip,
      }),
    );
  });

  app.post<{ Body: FormFields }>('/admintickets', async (request, reply) => {
    const lu = await requirePoolAdmin(deps, request, reply);
    if (lu === undefined) return reply;
    const body = request.body ?? {};
    if (!csrfValid(lu.session, body['csrf'])) {
      return expiredFormRedirect(reply, lu.session, '/admintickets');
    }
    const action = body['action'];
    const hashes = selectedTickets(body);
    if (action !== 'add' && action !== 'remove') {
      return redirectWithFlash(reply, lu.session, 'error', 'Unknown action.', '/admintickets');
    }
    if (hashes.length === 0) {
      const text = 'Select at least one ticket.';
      return redirectWithFlash(reply, lu.session, 'error', text, '/admintickets');
    }
    if (action === 'add') {
      const n = await addLowFeeTickets(pool.db, hashes, lu.user.id);
      request.log.info(
        { admin: lu.user.id, asked: hashes.length, added: n },
        'low-fee tickets added',
      );
      addFlash(
        lu.session,
        n === hashes.length ? 'success' : 'info',
        `Added ${n} of ${hashes.length} ticket(s); the pool votes them from now on.` +
          (n < hashes.length
            ? ' The others were no longer ignored (spent, or added already).'
            : ''),
      );
    } else {
      const n = await removeLowFeeTickets(pool.db, hashes);
      request.log.info(
        { admin: lu.user.id, asked: hashes.length, removed: n },
        'low-fee tickets removed',
      );
      addFlash(lu.session, 'success', `Removed ${n} ticket(s); the pool no longer votes them.`);
    }
    return redirect(reply, '/admintickets');
  });
}
