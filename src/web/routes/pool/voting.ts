// GET/POST /voting for the logged-in user: their vote bits for the agendas of the pool's vote
// version (the version the voter writes into votes), with each agenda's status from dcrd's
// getvoteinfo. Saving stores 1 | the bits of each chosen choice, after isValidVoteBits.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { setPoolUserVoteBits } from '../../../db/pool-users.ts';
import {
  choiceOf,
  DEFAULT_VOTE_BITS,
  isValidVoteBits,
  voteBitsFromChoices,
} from '../../../pool/vote-bits.ts';
import { agendasFor } from '../../../vsp/agendas.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import type { FormFields } from '../../plugins/forms.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { agendaField, votingPage } from '../../views/pool/voting.ts';
import {
  expiredFormRedirect,
  pageView,
  redirectWithFlash,
  requireUserWithAddress,
} from './page.ts';
import type { LoggedIn } from './page.ts';
import { pagesDeps } from './pages-context.ts';
import { parseVoteInfo } from './vote-info.ts';
import type { VoteInfo } from './vote-info.ts';

export function votingRoute(app: FastifyInstance, poolDeps: PoolDeps): void {
  const deps = pagesDeps(app, poolDeps, '/voting');
  if (deps === undefined) return;
  const { pool, pages } = deps;
  const version = pool.voteVersion;
  const agendas = agendasFor(deps.ctx.net.name, version);

  const render = async (reply: FastifyReply, lu: LoggedIn, log: FastifyInstance['log']) => {
    const { session, user } = lu;
    let voteInfo: VoteInfo | undefined;
    try {
      voteInfo = parseVoteInfo(await pages.dcrd.getVoteInfo(version));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'getvoteinfo failed');
    }
    const current = user.voteBitsVersion === version ? user.voteBits : DEFAULT_VOTE_BITS;
    const choices: Record<string, string> = {};
    for (const a of agendas) choices[a.id] = choiceOf(current, a).id;
    return sendHtml(
      reply,
      votingPage({
        ...pageView(deps, session, user),
        csrf: csrfToken(session),
        voteVersion: version,
        agendas,
        choices,
        voteBits: current,
        voteInfo,
        staleVersion: user.voteBitsVersion === version ? undefined : user.voteBitsVersion,
      }),
    );
  };

  app.get('/voting', async (request, reply) => {
    const lu = await requireUserWithAddress(deps, request, reply);
    if (lu === undefined) return reply;
    return render(reply, lu, request.log);
  });

  app.post<{ Body: FormFields }>('/voting', async (request, reply) => {
    const lu = await requireUserWithAddress(deps, request, reply);
    if (lu === undefined) return reply;
    const body = request.body ?? {};
    if (!csrfValid(lu.session, body['csrf'])) {
      return expiredFormRedirect(reply, lu.session, '/voting');
    }
    const picked: Record<string, string> = {};
    for (const a of agendas) picked[a.id] = body[agendaField(a.id)] ?? 'abstain';
    let bits: number;
    try {
      bits = voteBitsFromChoices(agendas, picked);
    } catch {
      const text = 'That is not a choice of the agenda. Nothing was changed.';
      return redirectWithFlash(reply, lu.session, 'error', text, '/voting');
    }
    if (!isValidVoteBits(bits, agendas)) {
      const text = 'Those choices are not valid together. Nothing was changed.';
      return redirectWithFlash(reply, lu.session, 'error', text, '/voting');
    }
    await setPoolUserVoteBits(pool.db, lu.user.id, bits, version);
    request.log.info({ user: lu.user.id, from: lu.user.voteBits, to: bits }, 'vote bits updated');
    return redirectWithFlash(
      reply,
      lu.session,
      'success',
      'Your voting preferences were saved.',
      '/voting',
    );
  });
}
