// POST /api/v3/feeaddress (registration step 1): the fee address and amount for a ticket. The
// same ticket always gets the same address; a quote that has expired is re-priced first.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, VspError } from '../../../../vsp/errors.ts';
import { FEE_EXPIRY_SECONDS, vspFee } from '../../../../vsp/fees.ts';
import type { VspTicket } from '../../../../vsp/store.ts';
import { REQUIRED_CONFIRMATIONS } from '../../../../vsp/ticket.ts';
import { unixSeconds } from '../../../context.ts';
import type { ResolvedContext } from '../../../context.ts';
import { requireCanVote } from '../../../hooks/chain.ts';
import { bindBody, requestEcho, sendSigned, signResponse, vspState } from '../../../vsp-request.ts';
import {
  requestEcho as echoSchema,
  requiredHex,
  responses,
  ticketHash,
  timestamp,
} from './schemas.ts';
import type { V3Deps } from './schemas.ts';

export const feeAddressRequest = {
  type: 'object',
  required: ['timestamp', 'tickethash', 'tickethex', 'parenthex'],
  properties: {
    timestamp,
    tickethash: ticketHash,
    tickethex: requiredHex('The ticket tx, hex.'),
    parenthex: requiredHex("The tx that funds the ticket's input, hex."),
  },
} as const;

export const feeAddressResponse = {
  type: 'object',
  properties: {
    timestamp: { type: 'integer' },
    feeaddress: { type: 'string' },
    feeamount: { type: 'integer', description: 'atoms' },
    expiration: { type: 'integer', description: 'unix seconds' },
    request: echoSchema,
  },
} as const;

/** Fee statuses that mean the VSP already holds a fee tx for the ticket. */
export const FEE_RECEIVED = ['received', 'broadcast', 'confirmed'] as const;

export function feeReceived(ticket: VspTicket): boolean {
  return (FEE_RECEIVED as readonly string[]).includes(ticket.feeTxStatus);
}

async function currentFee(ctx: ResolvedContext): Promise<bigint> {
  return vspFee(await ctx.dcrd.getBestBlockHeader(), ctx.config.vspFee, ctx.net);
}

/** The stored quote, re-priced (and written back) when it has expired. */
async function freshQuote(
  ctx: ResolvedContext,
  request: FastifyRequest,
  ticket: VspTicket,
): Promise<VspTicket> {
  const nowMs = ctx.now();
  if (nowMs <= ticket.feeExpiration * 1000) return ticket;
  const patch = {
    feeAmount: await currentFee(ctx),
    feeExpiration: unixSeconds(nowMs) + FEE_EXPIRY_SECONDS,
  };
  // Only while unpaid: a fee received meanwhile keeps the amount it was checked against.
  if (!(await ctx.store.updateTicket(ticket.hash, patch, ['none', 'error']))) {
    throw new VspError(ErrorCode.FeeAlreadyReceived);
  }
  request.log.debug({ ticket: ticket.hash, fee: String(patch.feeAmount) }, 'expired fee re-priced');
  return { ...ticket, ...patch };
}

export function feeAddressRoute(app: FastifyInstance, { ctx, hooks }: V3Deps): void {
  const quote = (request: FastifyRequest, reply: FastifyReply, t: VspTicket): FastifyReply =>
    sendSigned(
      reply,
      signResponse(reply, ctx.serverKey, {
        timestamp: unixSeconds(ctx.now()),
        feeaddress: t.feeAddress,
        feeamount: Number(t.feeAmount),
        expiration: t.feeExpiration,
        request: requestEcho(request),
      }),
    );

  app.route({
    method: 'POST',
    url: '/feeaddress',
    schema: { body: feeAddressRequest, response: responses(feeAddressResponse) },
    attachValidation: true,
    preHandler: [hooks.vspMustBeOpen, hooks.broadcastTicket, hooks.vspAuth],
    handler: async (request, reply) => {
      const body = bindBody<{ tickethash: string }>(request);
      const hash = body.tickethash;
      const { ticket, commitmentAddress } = vspState(request);
      if (ticket !== undefined && feeReceived(ticket)) {
        throw new VspError(ErrorCode.FeeAlreadyReceived);
      }
      const raw = await requireCanVote(ctx, request, hash);

      if (ticket !== undefined)
        return quote(request, reply, await freshQuote(ctx, request, ticket));

      const feeAmount = await currentFee(ctx);
      const fee = await ctx.feeAddresses.next();
      // Only a purchase with 6 confirmations is final; before that a reorg may move it.
      const confirmed = raw.confirmations >= REQUIRED_CONFIRMATIONS;
      const fresh: VspTicket = {
        hash,
        purchaseHeight: confirmed ? raw.blockHeight : 0,
        commitmentAddress: commitmentAddress!,
        feeAddressXpubId: fee.xpubId,
        feeAddressIndex: fee.index,
        feeAddress: fee.address,
        confirmed,
        feeAmount,
        feeExpiration: unixSeconds(ctx.now()) + FEE_EXPIRY_SECONDS,
        feeTxHex: '',
        feeTxHash: '',
        feeTxStatus: 'none',
        votingWif: '',
        outcome: '',
        voteChoices: {},
        tspendPolicy: {},
        treasuryPolicy: {},
      };
      if (await ctx.store.insertTicket(fresh)) {
        request.log.debug(
          { ticket: hash, feeAddressIndex: fee.index, fee: String(feeAmount), confirmed },
          'fee address issued for new ticket',
        );
        return quote(request, reply, fresh);
      }
      // A concurrent request registered the ticket first: answer with its quote, as for any
      // known ticket (the address reserved here stays unused).
      const winner = await ctx.store.getTicket(hash);
      if (winner === undefined) throw new Error(`ticket ${hash}: insert conflicted but not found`);
      if (feeReceived(winner)) throw new VspError(ErrorCode.FeeAlreadyReceived);
      return quote(request, reply, await freshQuote(ctx, request, winner));
    },
  });
}
