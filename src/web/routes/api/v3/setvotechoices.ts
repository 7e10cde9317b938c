// POST /api/v3/setvotechoices: change a registered ticket's vote choices and policies. Each
// request must carry a timestamp above every earlier one for the ticket (replay protection),
// invalid choices are refused (unlike payfee), and the maps are merged, never replaced. Once the
// fee is confirmed the ticket is on the voting wallets, which are updated after the commit.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCode, VspError } from '../../../../vsp/errors.ts';
import type { VotingWallet } from '../../../../vsp/node.ts';
import { requestTimestamp } from '../../../../vsp/store.ts';
import type { ChoiceMap, VspTicket } from '../../../../vsp/store.ts';
import {
  MAX_POLICY_ENTRIES,
  treasuryPolicyError,
  tspendPolicyError,
  voteChoicesError,
} from '../../../../vsp/vote-choices.ts';
import { unixSeconds } from '../../../context.ts';
import {
  bindBody,
  clientSignature,
  requestEcho,
  requestText,
  sendSigned,
  signResponse,
  vspState,
} from '../../../vsp-request.ts';
import {
  requestEcho as echoSchema,
  policyMap,
  responses,
  ticketHash,
  timestamp,
  voteChoices,
} from './schemas.ts';
import type { V3Deps } from './schemas.ts';

export const setVoteChoicesRequest = {
  type: 'object',
  required: ['timestamp', 'tickethash', 'votechoices'],
  properties: {
    timestamp,
    tickethash: ticketHash,
    votechoices: voteChoices,
    tspendpolicy: policyMap('tspend hash → policy; optional, at most 3', MAX_POLICY_ENTRIES),
    treasurypolicy: policyMap('treasury key → policy; optional, at most 3', MAX_POLICY_ENTRIES),
  },
} as const;

export const setVoteChoicesResponse = {
  type: 'object',
  properties: { timestamp: { type: 'integer' }, request: echoSchema },
} as const;

interface SetVoteChoicesBody {
  timestamp: number;
  tickethash: string;
  votechoices: ChoiceMap;
  tspendpolicy?: ChoiceMap | null;
  treasurypolicy?: ChoiceMap | null;
}

/** Push every stored choice of the ticket to each wallet; failures are only logged. */
async function pushToWallets(
  request: FastifyRequest,
  wallets: readonly VotingWallet[],
  t: VspTicket,
): Promise<void> {
  const log = (wallet: string, call: string) => (err: unknown) =>
    request.log.error({ err, wallet, ticket: t.hash }, `${call} failed`);
  await Promise.all(
    wallets.map(async ({ name, client }) => {
      for (const [agenda, choice] of Object.entries(t.voteChoices)) {
        await client.setVoteChoice(agenda, choice, t.hash).catch(log(name, 'setvotechoice'));
      }
      for (const [hash, policy] of Object.entries(t.tspendPolicy)) {
        await client.setTSpendPolicy(hash, policy, t.hash).catch(log(name, 'settspendpolicy'));
      }
      for (const [key, policy] of Object.entries(t.treasuryPolicy)) {
        await client.setTreasuryPolicy(key, policy, t.hash).catch(log(name, 'settreasurypolicy'));
      }
    }),
  );
}

export function setVoteChoicesRoute(app: FastifyInstance, { ctx, hooks }: V3Deps): void {
  app.route({
    method: 'POST',
    url: '/setvotechoices',
    schema: { body: setVoteChoicesRequest, response: responses(setVoteChoicesResponse) },
    attachValidation: true,
    preHandler: [hooks.vspAuth],
    handler: async (request, reply) => {
      // Without a reachable wallet the change could not take effect now, so nothing is stored.
      const { online } = await ctx.wallets.connected();
      if (online.length === 0) {
        throw new VspError(ErrorCode.InternalError, undefined, {
          cause: new Error('no voting wallet is reachable'),
        });
      }
      const { ticket } = vspState(request);
      if (ticket === undefined) throw new VspError(ErrorCode.UnknownTicket);
      if (ticket.feeTxStatus === 'none') throw new VspError(ErrorCode.FeeNotReceived);
      if (ticket.outcome !== '') {
        throw new VspError(
          ErrorCode.TicketCannotVote,
          `ticket not eligible to vote (status=${ticket.outcome})`,
        );
      }
      const body = bindBody<SetVoteChoicesBody>(request);

      // Checked here to report 17 before 9 as vspd does; applyVoteChange re-checks atomically.
      const previous = await ctx.store.getVoteChanges(ticket.hash);
      if (previous.some((r) => body.timestamp <= (requestTimestamp(r.request) ?? 0))) {
        throw new VspError(ErrorCode.InvalidTimestamp);
      }
      const tspend = body.tspendpolicy ?? {};
      const treasury = body.treasurypolicy ?? {};
      const invalid =
        voteChoicesError(ctx.net.name, body.votechoices) ??
        treasuryPolicyError(treasury) ??
        tspendPolicyError(tspend);
      if (invalid !== undefined) throw new VspError(ErrorCode.InvalidVoteChoices, invalid);

      const signed = signResponse(reply, ctx.serverKey, {
        timestamp: unixSeconds(ctx.now()),
        request: requestEcho(request),
      });
      const outcome = await ctx.store.applyVoteChange(
        ticket.hash,
        { voteChoices: body.votechoices, tspendPolicy: tspend, treasuryPolicy: treasury },
        {
          request: requestText(request),
          requestSignature: clientSignature(request),
          response: signed.payload,
          responseSignature: signed.signature,
        },
        ctx.maxVoteChangeRecords,
      );
      if (outcome === 'stale') throw new VspError(ErrorCode.InvalidTimestamp);
      if (outcome === 'unknown-ticket') throw new VspError(ErrorCode.UnknownTicket);
      request.log.info({ ticket: ticket.hash }, 'vote choices updated');

      if (ticket.feeTxStatus === 'confirmed') {
        const merged = await ctx.store.getTicket(ticket.hash);
        if (merged !== undefined) await pushToWallets(request, online, merged);
      }
      return sendSigned(reply, signed);
    },
  });
}
